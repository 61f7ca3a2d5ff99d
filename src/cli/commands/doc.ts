import type { CommandModule } from 'yargs';
import { moduleDocs, renderDocsYaml } from '../../ansible/docs';
import { cliIo } from '../io';
import { resolvedModuleSchema } from '../schemas';

interface DocArgs {
  module: string;
  format: 'yaml' | 'json';
}

const command: CommandModule<object, DocArgs> = {
  command: 'doc <module>',
  describe: 'Print the ansible-doc documentation generated from a module schema (DOCUMENTATION, EXAMPLES, RETURN)',
  builder: (y) =>
    y
      .positional('module', {
        type: 'string',
        demandOption: true,
        describe: 'Module name (ping or virtseal.core.ping)',
      })
      .option('format', { choices: ['yaml', 'json'] as const, default: 'yaml' as const, describe: 'Output format' }),
  handler: (argv) => {
    const name = argv.module.replace(/^virtseal\.core\./, '');
    const schema = resolvedModuleSchema(name);
    cliIo().out(
      argv.format === 'json' ? JSON.stringify(moduleDocs(name, schema), null, 2) : renderDocsYaml(name, schema),
    );
  },
};

export default command;
