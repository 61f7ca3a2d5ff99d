/**
 * The playbook/survey variables the mapping may produce, read from the generated AWX surveys (surveys/*.json, from
 * surveys/src): which variables each playbook's survey asks for, which are integers and which are passwords. A new
 * survey question reaches the bridge through `npm run generate`, with no list here to keep in step.
 */
import createSurvey from '../../surveys/create.json';
import deleteSurvey from '../../surveys/delete.json';
import startSurvey from '../../surveys/start.json';
import stopSurvey from '../../surveys/stop.json';
import type { SurveyQuestion } from '../ansible/survey';

export const ACTIONS = ['create', 'start', 'stop', 'delete'] as const;
export type Action = (typeof ACTIONS)[number];

type Question = Pick<SurveyQuestion, 'variable' | 'type' | 'required' | 'default'>;

/** Each playbook's survey questions. */
export const SURVEYS: Readonly<Record<Action, { readonly spec: readonly Question[] }>> = {
  create: createSurvey as { spec: Question[] },
  start: startSurvey as { spec: Question[] },
  stop: stopSurvey as { spec: Question[] },
  delete: deleteSurvey as { spec: Question[] },
};

const questions = Object.values(SURVEYS).flatMap((s) => s.spec);

/** Variables each playbook accepts; anything else would land in AWX's `ignored_fields`, so it is not sent. */
export const ACTION_VARS: Readonly<Record<Action, readonly string[]>> = {
  create: SURVEYS.create.spec.map((q) => q.variable),
  start: SURVEYS.start.spec.map((q) => q.variable),
  stop: SURVEYS.stop.spec.map((q) => q.variable),
  delete: SURVEYS.delete.spec.map((q) => q.variable),
};

export const ALL_VARS: readonly string[] = [...new Set(questions.map((q) => q.variable))];

/** Password questions: only ever given as `{from_env: NAME}`, resolved at launch, never stored or printed. */
export const SECRET_VARS: readonly string[] = [...new Set(questions.filter((q) => q.type === 'password').map((q) => q.variable))];

/** Integer questions: sent as JSON numbers (AWX refuses "4" for an integer question). */
export const INTEGER_VARS: readonly string[] = [...new Set(questions.filter((q) => q.type === 'integer').map((q) => q.variable))];
