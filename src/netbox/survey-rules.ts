/**
 * The rule of each survey question (type, length or range, choices), applied by the bridge to every answer before
 * it is stored or launched: the same check AWX makes at launch, so the local-playbook path is held to it too, and a
 * value NetBox users typed is refused with the question it failed instead of reaching a playbook.
 */
import createSurvey from '../../surveys/create.json';
import deleteSurvey from '../../surveys/delete.json';
import startSurvey from '../../surveys/start.json';
import stopSurvey from '../../surveys/stop.json';
import type { SurveyQuestion } from '../ansible/survey';
import type { Action } from './survey-vars';

type Rule = Pick<SurveyQuestion, 'variable' | 'type' | 'required' | 'min' | 'max'> & {
  readonly choices?: readonly string[];
};

const SURVEYS: Readonly<Record<Action, { readonly spec: readonly Rule[] }>> = {
  create: createSurvey as { spec: Rule[] },
  start: startSurvey as { spec: Rule[] },
  stop: stopSurvey as { spec: Rule[] },
  delete: deleteSurvey as { spec: Rule[] },
};

/** One-line text answers hold no control character; textarea answers may hold line breaks and tabs. */
const CONTROL_TEXT = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
const CONTROL_TEXTAREA = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;

export type Answer = string | number | boolean;

/**
 * The answer as the survey takes it, or an Error naming the variable and the rule it breaks (never the value: it
 * may be a secret). A number given for a text question becomes its decimal text, as AWX's form would send it.
 */
export function checkAnswer(action: Action, variable: string, value: Answer): Answer | Error {
  const rule = SURVEYS[action].spec.find((q) => q.variable === variable);
  if (!rule) return new Error(`${variable} is not a question of the ${action} survey`);
  const fail = (what: string) => new Error(`${variable} ${what} (rule of the ${action} survey question)`);
  switch (rule.type) {
    case 'text':
    case 'textarea':
    case 'password': {
      if (typeof value === 'boolean') return fail('must be text, not a boolean');
      const text = typeof value === 'number' ? String(value) : value;
      if (rule.required && text === '') return fail('is required and empty');
      if (text !== '' && rule.min !== null && [...text].length < rule.min)
        return fail(`is shorter than ${rule.min} characters`);
      if (rule.max !== null && [...text].length > rule.max) return fail(`is longer than ${rule.max} characters`);
      if ((rule.type === 'textarea' ? CONTROL_TEXTAREA : CONTROL_TEXT).test(text))
        return fail('holds a control character');
      if (/[\ud800-\udfff]/u.test(text)) return fail('holds an unpaired surrogate');
      return text;
    }
    case 'integer': {
      if (value === '' && !rule.required) return value;
      if (typeof value !== 'number' || !Number.isInteger(value)) return fail('must be an integer');
      if (rule.min !== null && value < rule.min) return fail(`must be at least ${rule.min}`);
      if (rule.max !== null && value > rule.max) return fail(`must be at most ${rule.max}`);
      return value;
    }
    case 'multiplechoice': {
      if (value === '' && !rule.required) return value;
      if (typeof value !== 'string' || !(rule.choices ?? []).includes(value))
        return fail(`must be one of ${(rule.choices ?? []).join(', ')}`);
      return value;
    }
    default:
      return fail(`has a question type (${rule.type}) the bridge does not fill`);
  }
}
