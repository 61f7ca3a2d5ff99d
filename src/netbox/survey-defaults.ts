/**
 * The answers AWX's launch form fills in: the defaults of the required questions of each playbook's survey. AWX's
 * launch API refuses a required question left out ("'vm_network' value missing") even when it has a default, so
 * the bridge sends these unless the mapping or the VM gives another answer.
 */
import type { VarValue } from './mapping';
import { type Action, SURVEYS } from './survey-vars';

export function requiredDefaults(action: Action): Record<string, VarValue> {
  const out: Record<string, VarValue> = {};
  for (const q of SURVEYS[action].spec) {
    if (q.required && q.default !== '') out[q.variable] = q.default;
  }
  return out;
}
