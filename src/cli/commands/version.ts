import type { CommandModule } from 'yargs';
import pkg from '../../../package.json';
import { cliIo } from '../io';

interface VersionArgs {
  json: boolean;
}

const command: CommandModule<object, VersionArgs> = {
  command: 'version',
  describe: 'Print the virtseal version',
  builder: (y) =>
    y.option('json', {
      type: 'boolean',
      default: false,
      describe: 'Print a JSON object (virtseal and Node.js versions)',
    }),
  handler: (argv) => {
    cliIo().out(
      argv.json ? JSON.stringify({ virtseal: pkg.version, node: process.version }) : `virtseal ${pkg.version}`,
    );
  },
};

export default command;
