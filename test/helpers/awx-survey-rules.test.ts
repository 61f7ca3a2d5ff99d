import { expect } from 'chai';
import { ENCRYPTED, launchErrors, saveSurveySpec, surveySpecError } from './awx-survey-rules';

const q = (over: Record<string, unknown> = {}) => ({
  question_name: 'Name',
  question_description: '',
  required: true,
  type: 'text',
  variable: 'vm_name',
  min: 1,
  max: 15,
  default: '',
  ...over,
});
const spec = (items: unknown[], over: Record<string, unknown> = {}) => ({
  name: 's',
  description: 'd',
  spec: items,
  ...over,
});

describe('helpers/awx-survey-rules (save time)', () => {
  it('accepts a well-formed spec', () => {
    expect(
      surveySpecError(
        spec([
          q(),
          q({ variable: 'n', type: 'integer', default: 4, min: 1, max: 8 }),
          q({ variable: 'c', type: 'multiplechoice', choices: ['yes', 'no'], default: 'yes', min: null, max: null }),
          q({ variable: 'f', type: 'multiselect', choices: 'a\nb', default: 'a\nb' }),
        ]),
      ),
    ).to.equal(undefined);
  });

  const bad: [string, unknown, RegExp][] = [
    ['1: name missing', { description: 'd', spec: [q()] }, /'name' missing/],
    ['1: description missing', { name: 'n', spec: [q()] }, /'description' missing/],
    ['1: spec not a list', { name: 'n', description: 'd', spec: {} }, /must be a list/],
    ['2: empty spec', spec([]), /doesn't contain any items/],
    ['3: item not an object', spec(['x']), /not a json object/],
    [
      '4: type missing',
      spec(
        [{ ...q(), type: undefined }].map((i) => {
          const { type: _t, ...rest } = i;
          return rest;
        }),
      ),
      /'type' missing/,
    ],
    ['4: variable not a string', spec([q({ variable: 3 })]), /'variable' .* expected to be string/],
    ['4: required not boolean', spec([q({ required: 'yes' })]), /'required' .* expected to be boolean/],
    ['5: duplicate variable', spec([q(), q()]), /duplicated/],
    ['6: unknown type', spec([q({ type: 'checkbox' })]), /not one of/],
    [
      '7: list default for multiselect',
      spec([q({ type: 'multiselect', choices: ['a'], default: ['a'] })]),
      /expected to be str/,
    ],
    ['7: string default for integer', spec([q({ type: 'integer', default: '4' })]), /expected to be int/],
    ['7: string default for float', spec([q({ type: 'float', default: '0.5' })]), /expected to be float/],
    ['8: empty-string min', spec([q({ min: '' })]), /'min' .* expected to be int/],
    ['8: float max', spec([q({ max: 1.5 })]), /'max' .* expected to be int/],
    ['9: multiplechoice without choices', spec([q({ type: 'multiplechoice', default: '' })]), /must specify choices/],
    [
      '10: two defaults for multiplechoice',
      spec([q({ type: 'multiplechoice', choices: ['a', 'b'], default: 'a\nb' })]),
      /only have one default/,
    ],
    [
      '11: default not a choice',
      spec([q({ type: 'multiplechoice', choices: ['a', 'b'], default: 'c' })]),
      /not a valid choice/,
    ],
    [
      '11: multiselect default not a choice',
      spec([q({ type: 'multiselect', choices: ['a', 'b'], default: 'a\nz' })]),
      /Default choice z/,
    ],
    [
      '12: $encrypted$ on a new password question',
      spec([q({ type: 'password', default: ENCRYPTED })]),
      /reserved keyword/,
    ],
    ['12: $encrypted$ on a text question', spec([q({ default: ENCRYPTED })]), /reserved keyword/],
  ];
  for (const [rule, input, message] of bad) {
    it(`rejects rule ${rule}`, () => {
      expect(surveySpecError(input)).to.match(message);
    });
  }

  it('12/13: encrypts password defaults on save and accepts $encrypted$ for a question that had one', () => {
    const saved = saveSurveySpec(spec([q({ type: 'password', variable: 'pw', default: 'hunter22' })]));
    expect((saved.spec[0] as { default: unknown }).default).to.equal(ENCRYPTED);
    expect(surveySpecError(saved, saved)).to.equal(undefined);
    expect(() => saveSurveySpec(spec([]))).to.throw(/any items/);
  });
});

describe('helpers/awx-survey-rules (launch time)', () => {
  const s = spec([
    q(),
    q({ variable: 'n', type: 'integer', min: 1, max: 8, required: false }),
    q({ variable: 'r', type: 'float', min: 0, max: 1, required: false }),
    q({ variable: 'c', type: 'multiplechoice', choices: ['yes', 'no'], required: false }),
    q({ variable: 'm', type: 'multiselect', choices: 'a\nb', required: false }),
  ]);
  it('accepts good answers', () => {
    expect(launchErrors(s, { vm_name: 'web', n: 4, r: 0.5, c: 'no', m: ['a'] })).to.deep.equal([]);
  });
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['required answer missing', {}, /'vm_name' value missing/],
    ['string too short', { vm_name: '' }, /too small/],
    ['string too long', { vm_name: 'x'.repeat(16) }, /too large/],
    ['text not a string', { vm_name: 5 }, /expected to be a string/],
    ['integer given as string', { vm_name: 'a', n: '4' }, /expected to be an integer/],
    ['integer given as bool', { vm_name: 'a', n: true }, /expected to be an integer/],
    ['integer out of range', { vm_name: 'a', n: 9 }, /too large/],
    ['float not numeric', { vm_name: 'a', r: 'x' }, /numeric/],
    ['multiselect not a list', { vm_name: 'a', m: 'a' }, /expected to be a list/],
    ['multiselect value not a choice', { vm_name: 'a', m: ['a', 'z'] }, /Value z/],
    ['multiplechoice value not a choice', { vm_name: 'a', c: 'maybe' }, /expected to be one of/],
  ];
  for (const [what, answers, message] of cases) {
    it(`rejects ${what}`, () => {
      const errors = launchErrors(s, answers);
      expect(errors).to.have.length(1);
      expect(errors[0]).to.match(message);
    });
  }
});
