/**
 * AWX's survey rules, as JobTemplateSurveySpec validation applies them on save (first failure wins, HTTP 400) and
 * as job launch checks answers. Test-only: it lets the tests prove generated surveys would be accepted by AWX.
 */
export const QUESTION_TYPES = [
  'text',
  'textarea',
  'password',
  'multiplechoice',
  'multiselect',
  'integer',
  'float',
] as const;
const STRING_TYPES = new Set(['text', 'textarea', 'password', 'multiplechoice', 'multiselect']);
export const ENCRYPTED = '$encrypted$';

type Item = Record<string, unknown>;
/** A survey spec as AWX stores it (items are checked, so they are typed loosely). */
export interface Spec {
  name: string;
  description: string;
  spec: readonly unknown[];
}

/** Python truthiness, which AWX uses to decide whether a default is "given". */
function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Choices as a list; AWX accepts a newline-separated string or a JSON list. */
export function choiceList(choices: unknown): string[] {
  if (Array.isArray(choices)) return choices.map(String);
  if (typeof choices === 'string') return choices.split('\n').filter((c) => c !== '');
  return [];
}

/**
 * Save-time validation. Returns the first error message (AWX returns it with HTTP 400), or undefined when the spec
 * would be saved. `previous` is the spec already stored on the job template (for `$encrypted$` defaults).
 */
export function surveySpecError(input: unknown, previous?: Spec): string | undefined {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return 'Survey spec must be a JSON object.';
  const spec = input as Record<string, unknown>;
  // Rule 1: name, description, spec.
  if (typeof spec.name !== 'string') return "'name' missing from survey spec.";
  if (typeof spec.description !== 'string') return "'description' missing from survey spec.";
  if (!Array.isArray(spec.spec)) return "'spec' must be a list of items.";
  // Rule 2: not empty.
  if (spec.spec.length === 0) return "'spec' doesn't contain any items.";
  const variables = new Set<string>();
  for (const [idx, raw] of spec.spec.entries()) {
    // Rule 3: each item an object.
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      return `Survey question ${idx} is not a json object.`;
    const item = raw as Item;
    // Rule 4: required keys with their types.
    for (const key of ['type', 'question_name', 'variable'] as const) {
      if (!(key in item)) return `'${key}' missing from survey question ${idx}.`;
      if (typeof item[key] !== 'string') return `'${key}' in survey question ${idx} expected to be string.`;
    }
    if (!('required' in item)) return `'required' missing from survey question ${idx}.`;
    if (typeof item.required !== 'boolean') return `'required' in survey question ${idx} expected to be boolean.`;
    const variable = item.variable as string;
    const type = item.type as string;
    // Rule 5: unique variables.
    if (variables.has(variable)) return `'variable' '${variable}' duplicated in survey question ${idx}.`;
    variables.add(variable);
    // Rule 6: allowed type.
    if (!(QUESTION_TYPES as readonly string[]).includes(type))
      return `'${type}' in survey question ${idx} is not one of '${QUESTION_TYPES.join(', ')}' allowed question types.`;
    // Rule 7: default of the type's Python type.
    const dflt = item.default;
    if (truthy(dflt)) {
      const ok = STRING_TYPES.has(type) ? typeof dflt === 'string' : type === 'integer' ? isInt(dflt) : isNum(dflt);
      if (!ok)
        return `Default value ${JSON.stringify(dflt)} in survey question ${idx} expected to be ${STRING_TYPES.has(type) ? 'str' : type === 'integer' ? 'int' : 'float'}.`;
    }
    // Rule 8: min/max null or integers.
    for (const key of ['min', 'max'] as const) {
      if (key in item && item[key] !== null && !isInt(item[key]))
        return `'${key}' value ${JSON.stringify(item[key])} in survey question ${idx} expected to be int.`;
    }
    if (type === 'multiplechoice' || type === 'multiselect') {
      // Rule 9: choices needed.
      const choices = choiceList(item.choices);
      if (choices.length === 0) return `Survey question ${idx} of type ${type} must specify choices.`;
      if (truthy(dflt) && typeof dflt === 'string') {
        const defaults = dflt.split('\n');
        // Rule 10: one default for multiplechoice.
        if (type === 'multiplechoice' && defaults.length > 1)
          return `Multiple Choice (Single Select) can only have one default value in survey question ${idx}.`;
        // Rule 11: defaults among the choices.
        for (const d of defaults)
          if (!choices.includes(d)) return `Default choice ${d} is not a valid choice in survey question ${idx}.`;
      }
    }
    // Rule 12: $encrypted$ only for password questions that already had an (encrypted) default.
    if (dflt === ENCRYPTED) {
      const before = previous?.spec.map((x) => x as Item).find((x) => x.variable === variable);
      if (type !== 'password' || !before || before.type !== 'password' || !truthy(before.default)) {
        return `$encrypted$ is a reserved keyword for password question defaults, survey question ${idx}.`;
      }
    }
  }
  return undefined;
}

/** What AWX stores on save (rule 13: password defaults are encrypted and read back as `$encrypted$`). Throws when invalid. */
export function saveSurveySpec(input: unknown, previous?: Spec): Spec {
  const error = surveySpecError(input, previous);
  if (error) throw new Error(error);
  const spec = structuredClone(input) as Spec;
  for (const q of spec.spec as Item[]) if (q.type === 'password' && truthy(q.default)) q.default = ENCRYPTED;
  return spec;
}

/** Launch-time checks of `extra_vars` answers against a saved spec; returns every error (AWX answers 400 with them). */
export function launchErrors(spec: Spec, answers: Readonly<Record<string, unknown>>): string[] {
  const errors: string[] = [];
  for (const q of spec.spec as Item[]) {
    const variable = q.variable as string;
    const type = q.type as string;
    if (!(variable in answers)) {
      if (q.required) errors.push(`'${variable}' value missing`);
      continue;
    }
    const value = answers[variable];
    const min = q.min as number | null | undefined;
    const max = q.max as number | null | undefined;
    if (type === 'text' || type === 'textarea' || type === 'password') {
      if (typeof value !== 'string') {
        errors.push(`Value ${JSON.stringify(value)} for '${variable}' expected to be a string.`);
        continue;
      }
      if (type === 'password' && value === ENCRYPTED) continue;
      if (isInt(min) && value.length < min)
        errors.push(
          `'${variable}' value ${type === 'password' ? '' : value} is too small (length is ${value.length} must be at least ${min}).`,
        );
      if (isInt(max) && value.length > max)
        errors.push(
          `'${variable}' value ${type === 'password' ? '' : value} is too large (must be no more than ${max}).`,
        );
    } else if (type === 'integer') {
      if (!isInt(value)) {
        errors.push(`Value ${JSON.stringify(value)} for '${variable}' expected to be an integer.`);
        continue;
      }
      if (isInt(min) && value < min)
        errors.push(`'${variable}' value ${value} is too small (must be at least ${min}).`);
      if (isInt(max) && value > max)
        errors.push(`'${variable}' value ${value} is too large (must be no more than ${max}).`);
    } else if (type === 'float') {
      if (!isNum(value)) {
        errors.push(`Value ${JSON.stringify(value)} for '${variable}' expected to be a numeric type.`);
        continue;
      }
      if (isInt(min) && value < min)
        errors.push(`'${variable}' value ${value} is too small (must be at least ${min}).`);
      if (isInt(max) && value > max)
        errors.push(`'${variable}' value ${value} is too large (must be no more than ${max}).`);
    } else if (type === 'multiselect') {
      if (!Array.isArray(value)) {
        errors.push(`'${variable}' value is expected to be a list.`);
        continue;
      }
      const choices = choiceList(q.choices);
      for (const v of value)
        if (!choices.includes(String(v)))
          errors.push(`Value ${String(v)} for '${variable}' expected to be one of ${JSON.stringify(choices)}.`);
    } else if (type === 'multiplechoice') {
      const choices = choiceList(q.choices);
      if (!choices.includes(value as string))
        errors.push(
          `Value ${JSON.stringify(value)} for '${variable}' expected to be one of ${JSON.stringify(choices)}.`,
        );
    }
  }
  return errors;
}

/** The answers a user accepting every default would send (multiselect defaults as lists). */
export function defaultAnswers(spec: Spec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const q of spec.spec as Item[]) {
    if (q.default === '' || q.default === undefined || q.default === null) continue;
    out[q.variable as string] = q.type === 'multiselect' ? String(q.default).split('\n') : q.default;
  }
  return out;
}
