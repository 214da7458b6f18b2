// The CLI's entry in the built bundle (out/main/cli.js): the same program as bin/selfalign.mjs runs through tsx.
import { main } from './main.js';

process.exitCode = await main(process.argv);
