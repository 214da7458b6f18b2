// The engine process (built to out/main/engine.js): the engine of src/engine behind a message port. Electron
// forks it as a utility process; tests and scripts can start the same bundle with Node's child_process.fork.
// It must not import `electron`: under plain Node that package only points at a binary that may be missing.

import { defaultDatabasePath } from '../core/store/index.js';
import { createEngine } from '../engine/engine.js';
import { processPort, serveEngine } from './engine-port.js';

// The port first: a process that cannot talk to a host should fail before it opens a database.
const port = processPort();
const nativeBinding = process.env.SELFALIGN_SQLITE_BINDING || undefined;
const engine = createEngine({ databasePath: defaultDatabasePath(), ...(nativeBinding ? { nativeBinding } : {}) });
serveEngine(port, engine, { exit: (code) => process.exit(code) });
