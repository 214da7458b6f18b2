// The engine API: every contract command as a handler, jobs with progress and cancellation, the HTTP server.
export * from './engine.js';
export * from './errors.js';
export * from './jobs.js';
export * from './http-server.js';
