import { readFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { parse as parseYaml } from 'yaml';
import { surveyFromDefinition, surveyFromSchema, type SurveyDefinition } from '../../ansible/survey';
import { UsageError } from '../app';
import { cliIo } from '../io';
import { allResolvedSchemas, resolvedModuleSchema } from '../schemas';

interface SurveyArgs {
  module?: string;
  definition?: string;
}

const command: CommandModule<object, SurveyArgs> = {
  command: 'survey [module]',
  describe: 'Print an AWX survey spec (JSON) from a module schema, or from a survey definition file',
  builder: (y) =>
    y
      .positional('module', { type: 'string', describe: 'Module name: one question per scalar option' })
      .option('definition', {
        type: 'string',
        describe: 'A surveys/src/<name>.survey.yaml definition (see docs/surveys.md)',
      })
      .example('$0 survey ping', 'survey for every option of virtseal.core.ping')
      .example('$0 survey --definition surveys/src/create.survey.yaml', 'survey of a playbook'),
  handler: (argv) => {
    if (argv.definition && argv.module) throw new UsageError('give either a module or --definition, not both');
    let spec: ReturnType<typeof surveyFromDefinition>;
    if (argv.definition) {
      spec = surveyFromDefinition(
        parseYaml(readFileSync(argv.definition, 'utf8')) as SurveyDefinition,
        allResolvedSchemas(),
      );
    } else if (argv.module) {
      const name = argv.module.replace(/^virtseal\.core\./, '');
      spec = surveyFromSchema(name, resolvedModuleSchema(name));
    } else {
      throw new UsageError('give a module name or --definition <file>');
    }
    cliIo().out(JSON.stringify(spec, null, 2));
  },
};

export default command;
