/** Executable entry of dist/virtseal.js. */
import { runCli } from './app';
import { processIo } from './io';

const code = await runCli(process.argv.slice(2), processIo);
// A command that reported its own failure (set process.exitCode) keeps that code.
if (code !== 0 || !process.exitCode) process.exitCode = code;
