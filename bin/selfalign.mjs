#!/usr/bin/env node
// The `selfalign` command: runs the TypeScript CLI through tsx, so a fresh `npm install` needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
