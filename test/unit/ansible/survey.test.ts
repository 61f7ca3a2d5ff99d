import { expect } from 'chai';
import { resolveSchema } from '../../../src/ansible/schema';
import { surveyFromDefinition, surveyFromSchema, SurveyError } from '../../../src/ansible/survey';
import { moduleSchemas } from '../../../src/generated/schemas';
import { defaultAnswers, launchErrors, saveSurveySpec, surveySpecError } from '../../helpers/awx-survey-rules';
import { fragments, sampleSchema } from './fixtures/sample-schema';

const sample = resolveSchema(sampleSchema, fragments);

describe('ansible/survey', () => {
  const spec = surveyFromSchema('vm', sample);
  const byVar = (v: string) => spec.spec.find((s) => s.variable === v)!;

  it('maps schema types to AWX question types with limits, choices, defaults and required flags', () => {
    expect(byVar('name')).to.deep.include({ type: 'text', required: true, min: 1, max: 15, default: '' });
    expect(byVar('cpu_count')).to.deep.include({ type: 'integer', min: 1, max: 64, default: 2, required: false });
    expect(byVar('ratio')).to.deep.include({ type: 'float' });
    expect(byVar('state')).to.deep.include({
      type: 'multiplechoice',
      choices: ['present', 'absent'],
      default: 'present',
    });
    expect(byVar('start')).to.deep.include({ type: 'multiplechoice', choices: ['yes', 'no'], default: 'yes' });
    expect(byVar('features')).to.deep.include({ type: 'multiselect', choices: ['tpm', 'secure_boot'] });
    expect(byVar('tags')).to.deep.include({ type: 'text' });
    expect(byVar('admin_password')).to.deep.include({ type: 'password', min: 8, default: '' });
    expect(spec.spec.map((s) => s.variable)).to.not.include('connection');
  });

  it('produces specs AWX saves, and whose defaults pass the launch checks', () => {
    expect(surveySpecError(spec)).to.equal(undefined);
    for (const [name, schema] of Object.entries(moduleSchemas)) {
      const s = surveyFromSchema(name, resolveSchema(schema));
      expect(surveySpecError(s), name).to.equal(undefined);
      // With only the defaults, the sole launch errors are the required questions that have no default.
      const unanswered = s.spec.filter((q) => q.required && (q.default === '' || q.default === undefined));
      expect(launchErrors(saveSurveySpec(s), defaultAnswers(s)), name).to.deep.equal(
        unanswered.map((q) => `'${q.variable}' value missing`),
      );
    }
  });

  it('builds a playbook survey from a definition picking options of several modules', () => {
    const ping = resolveSchema(moduleSchemas.ping!);
    const s = surveyFromDefinition(
      {
        name: 'Create VM',
        description: 'Create one VM',
        variables: [
          { variable: 'vm_name', from: 'vm#name', question: 'VM name' },
          { variable: 'vm_host', from: 'vm#connection.host' },
          { variable: 'vm_disk_gb', from: 'vm#disks[].size_gb', required: true, max: 2048 },
          { variable: 'vm_admin_password', from: 'vm#admin_password', required: true },
          { variable: 'vm_start', from: 'vm#start', default: false },
          { variable: 'ping_data', from: 'ping#data' },
          { variable: 'vm_delete_confirm', type: 'text', question: 'Type the VM name to confirm', required: true },
        ],
      },
      { vm: sample, ping },
    );
    const v = (name: string) => s.spec.find((q) => q.variable === name)!;
    expect(v('vm_name')).to.deep.include({ question_name: 'VM name', required: true, max: 15 });
    expect(v('vm_host')).to.deep.include({ required: false, type: 'text' });
    expect(v('vm_disk_gb')).to.deep.include({ type: 'integer', min: 1, max: 2048, required: true });
    expect(v('vm_admin_password')).to.deep.include({ type: 'password', required: true });
    expect(v('vm_start')).to.deep.include({ default: 'no' });
    expect(v('ping_data')).to.deep.include({ default: 'pong' });
    expect(v('vm_delete_confirm')).to.deep.include({ type: 'text', required: true });
    expect(surveySpecError(s)).to.equal(undefined);
  });

  it('rejects definitions naming unknown modules, options or duplicate variables', () => {
    const make = (variables: { variable: string; from?: string }[]) => () =>
      surveyFromDefinition({ name: 'n', description: 'd', variables }, { vm: sample });
    expect(make([{ variable: 'a', from: 'nope#name' }])).to.throw(SurveyError, /no module nope/);
    expect(make([{ variable: 'a', from: 'vm#nope' }])).to.throw(SurveyError, /no option nope/);
    expect(make([{ variable: 'a', from: 'vm' }])).to.throw(SurveyError, /<module>#<option path>/);
    expect(
      make([
        { variable: 'a', from: 'vm#name' },
        { variable: 'a', from: 'vm#image' },
      ]),
    ).to.throw(SurveyError, /twice/);
    expect(make([{ variable: 'a', from: 'vm#connection' }])).to.throw(SurveyError, /no survey question type/);
  });
});
