// The workbench's version, from its one source, package.json. Imported rather than read from disk, so a bundle
// (the built engine, the built CLI) carries it and never looks for package.json beside itself.

import packageJson from '../../package.json' with { type: 'json' };

export const WORKBENCH_VERSION: string = packageJson.version;
