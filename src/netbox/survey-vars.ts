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

/** Set by the bridge itself for every action, never by a mapping: the NetBox object the VM belongs to. */
export const OWNER_VAR = 'vm_owner';

/** What a mapping may answer of a survey: every question but the owner. */
const answerable = (action: Action): string[] =>
  SURVEYS[action].spec.map((q) => q.variable).filter((v) => v !== OWNER_VAR);

/** Variables each playbook accepts from a mapping; anything else would land in AWX's `ignored_fields`, so it is not sent. */
export const ACTION_VARS: Readonly<Record<Action, readonly string[]>> = {
  create: answerable('create'),
  start: answerable('start'),
  stop: answerable('stop'),
  delete: answerable('delete'),
};

/** Survey variables a mapping may fill. */
export const ALL_VARS: readonly string[] = [...new Set(Object.values(ACTION_VARS).flat())];

/**
 * Answers only ever given as `{from_env: NAME}`, resolved at launch, never stored or printed: the password questions,
 * and the Ansible account's key, which grants passwordless sudo on every VM and so is kept out of NetBox fields too.
 */
export const SECRET_VARS: readonly string[] = [
  ...new Set([...questions.filter((q) => q.type === 'password').map((q) => q.variable), 'vm_ansible_ssh_key']),
];

/** Integer questions: sent as JSON numbers (AWX refuses "4" for an integer question). */
export const INTEGER_VARS: readonly string[] = [
  ...new Set(questions.filter((q) => q.type === 'integer').map((q) => q.variable)),
];
