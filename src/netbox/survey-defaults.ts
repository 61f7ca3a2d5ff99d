/**
 * The answers AWX's launch form fills in: the defaults of the required questions of each playbook's survey. AWX's
 * launch API refuses a required question left out ("'vm_network' value missing") even when it has a default, so
 * the bridge sends these unless the mapping or the VM gives another answer.
 */
import createSurvey from '../../surveys/create.json';
import deleteSurvey from '../../surveys/delete.json';
import startSurvey from '../../surveys/start.json';
import stopSurvey from '../../surveys/stop.json';
import type { SurveyQuestion } from '../ansible/survey';
import type { VarValue } from './mapping';
import type { Action } from './survey-vars';

type Question = Pick<SurveyQuestion, 'variable' | 'required' | 'default'>;

const SURVEYS: Readonly<Record<Action, { readonly spec: readonly Question[] }>> = {
  create: createSurvey,
  start: startSurvey,
  stop: stopSurvey,
  delete: deleteSurvey,
};

export function requiredDefaults(action: Action): Record<string, VarValue> {
  const out: Record<string, VarValue> = {};
  for (const q of SURVEYS[action].spec) {
    if (q.required && q.default !== '') out[q.variable] = q.default;
  }
  return out;
}
