// The data layer: probes and the files they come from. Pure parsing; storing them is the store layer's job.
export * from './categories.js';
export * from './probe.js';
export * from './probe-files.js';
export * from './item-validity.js';
export { decodeUtf8 } from './text-file.js';
export * from './language-names.js';
