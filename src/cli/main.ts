/** Executable entry of dist/virtseal.js. */
import { runCli } from './app';
import { processIo } from './io';

process.exitCode = await runCli(process.argv.slice(2), processIo);
