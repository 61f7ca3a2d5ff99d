// Stand-in for the virtseal CLI entry in tests: the same yargs wiring (env prefix VIRTSEAL) with the netbox command.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import * as commands from '../../../src/cli/commands/index';

await yargs(hideBin(process.argv))
  .scriptName('virtseal')
  .env('VIRTSEAL')
  .command(Object.values(commands))
  .demandCommand(1)
  .strict()
  .parseAsync();
