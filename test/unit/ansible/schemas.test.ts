/**
 * Contract checks for every module schema in src/schemas (team contract 1): they resolve, compile with ajv in strict
 * mode, name options in snake_case, describe every option, and their docs and survey generate.
 */
import { expect } from 'chai';
import { loadResolvedSchemas } from '../../../build/generate';
import { compileSchema } from '../../../src/ansible/ajv-compile';
import { moduleDocs } from '../../../src/ansible/docs';
import type { OptionSchema } from '../../../src/ansible/schema';
import { surveyFromSchema } from '../../../src/ansible/survey';
import { surveySpecError } from '../../helpers/awx-survey-rules';

function* options(schema: OptionSchema, path = ''): Generator<[string, OptionSchema]> {
  for (const [name, option] of Object.entries(schema.properties ?? {})) {
    const p = path ? `${path}.${name}` : name;
    yield [p, option];
    yield* options(option, p);
    if (option.items) yield* options(option.items, `${p}[]`);
  }
}

describe('module schemas (contract)', () => {
  const schemas = loadResolvedSchemas();
  it('include ping', () => expect(schemas).to.have.property('ping'));
  for (const [name, schema] of Object.entries(schemas)) {
    describe(name, () => {
      it('compiles with ajv in strict mode', () => {
        expect(() => compileSchema(schema)).to.not.throw();
      });
      it('has snake_case options, each with a description', () => {
        for (const [path, option] of options(schema)) {
          expect(path.split('.').pop()!.replace('[]', ''), path).to.match(/^[a-z][a-z0-9_]*$/);
          expect(option.description, `${name}: ${path} has no description`).to.be.a('string').and.not.equal('');
        }
      });
      it('generates ansible-doc docs and an AWX survey AWX would save', () => {
        const docs = moduleDocs(name, schema);
        expect(docs.DOCUMENTATION.short_description).to.be.a('string');
        expect(surveySpecError(surveyFromSchema(name, schema))).to.equal(undefined);
      });
    });
  }
});
