/**
 * AWX survey specs from module schemas. `surveyFromSchema` asks for every scalar option of one module;
 * `surveyFromDefinition` builds a playbook's survey from a definition that picks options of several modules
 * (`from: <module>#<option path>`) under playbook variable names, with per-question overrides (docs/surveys.md).
 * Output follows AWX's save-time rules (test/helpers/awx-survey-rules.ts checks them).
 */
import { ansibleType, descriptionLines, primaryType, type OptionSchema } from './schema';

export type SurveyQuestionType =
  | 'text'
  | 'textarea'
  | 'password'
  | 'multiplechoice'
  | 'multiselect'
  | 'integer'
  | 'float';

export interface SurveyQuestion {
  question_name: string;
  question_description: string;
  required: boolean;
  type: SurveyQuestionType;
  variable: string;
  min: number | null;
  max: number | null;
  default: string | number;
  choices?: string[];
}

export interface SurveySpec {
  name: string;
  description: string;
  spec: SurveyQuestion[];
}

/** Overrides a definition (or an option's `x-survey`) may give for one question. */
export interface QuestionOverrides {
  readonly question?: string;
  readonly description?: string;
  readonly type?: SurveyQuestionType;
  readonly required?: boolean;
  readonly default?: string | number | boolean | readonly string[];
  readonly choices?: readonly (string | number)[];
  readonly min?: number | null;
  readonly max?: number | null;
}

export interface SurveyVariable extends QuestionOverrides {
  /** Playbook (extra) variable name the answer is stored in. */
  readonly variable: string;
  /** `<module>#<option path>` (dotted, `[]` for list items), e.g. `vm#guest.admin_password`. */
  readonly from?: string;
}

export interface SurveyDefinition {
  readonly name: string;
  readonly description: string;
  readonly variables: readonly SurveyVariable[];
}

export class SurveyError extends Error {}

function humanize(name: string): string {
  const words = name.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function firstSentence(lines: string[]): string {
  const text = lines.join(' ').replace(/[A-Z]\(([^)]*)\)/g, '$1');
  return text;
}

const yesNo = (v: unknown): string => (v === true ? 'yes' : 'no');

/** One survey question for an option. `name` is the option name (used for a default question text). */
export function questionFromOption(
  variable: string,
  name: string,
  option: OptionSchema,
  required: boolean,
  overrides: QuestionOverrides = {},
): SurveyQuestion {
  const hints = { ...(option['x-survey'] ?? {}), ...overrides } as QuestionOverrides;
  const jsonType = primaryType(option);
  const atype = ansibleType(option);
  let type: SurveyQuestionType;
  let choices: string[] | undefined;
  let min: number | null = null;
  let max: number | null = null;
  let dflt: unknown = option.default;
  if (option['x-no-log']) {
    type = 'password';
    dflt = undefined;
  } else if (option.enum) {
    type = 'multiplechoice';
    choices = option.enum.map(String);
  } else if (jsonType === 'boolean') {
    type = 'multiplechoice';
    choices = ['yes', 'no'];
    dflt = dflt === undefined ? undefined : yesNo(dflt);
  } else if (jsonType === 'integer') {
    type = 'integer';
  } else if (jsonType === 'number') {
    type = 'float';
  } else if (jsonType === 'array' && option.items?.enum) {
    type = 'multiselect';
    choices = option.items.enum.map(String);
    dflt = Array.isArray(dflt) ? dflt.map(String).join('\n') : dflt;
  } else if (
    jsonType === 'array' &&
    option.items &&
    ['string', 'integer', 'number'].includes(primaryType(option.items) ?? '')
  ) {
    type = 'text';
    dflt = Array.isArray(dflt) ? dflt.map(String).join(',') : dflt;
  } else if (atype === 'str' || atype === 'path' || atype === 'raw') {
    type = 'text';
  } else if (!hints.type) {
    throw new SurveyError(
      `option ${name} (${atype}) has no survey question type; give one with x-survey or the definition's type`,
    );
  } else {
    type = hints.type;
  }
  if (hints.type) type = hints.type;
  if (hints.choices) choices = hints.choices.map(String);
  // A numeric enum asked as a number: its smallest and largest values bound the answer; it offers no choices.
  const numericEnum = option.enum?.every((v) => typeof v === 'number') ? (option.enum as number[]) : undefined;
  if ((type === 'integer' || type === 'float') && numericEnum && !hints.choices) choices = undefined;
  if (type === 'integer' || type === 'float') {
    const lo = option.minimum ?? (option.exclusiveMinimum as number | undefined);
    const hi = option.maximum ?? (option.exclusiveMaximum as number | undefined);
    if (lo !== undefined) min = Math.ceil(option.minimum !== undefined ? lo : lo + (type === 'integer' ? 1 : 0));
    if (hi !== undefined) max = Math.floor(option.maximum !== undefined ? hi : hi - (type === 'integer' ? 1 : 0));
    if (numericEnum) {
      min ??= Math.min(...numericEnum);
      max ??= Math.max(...numericEnum);
    }
  } else if (type === 'text' || type === 'textarea' || type === 'password') {
    if (option.minLength !== undefined) min = option.minLength;
    if (option.maxLength !== undefined) max = option.maxLength;
  }
  if (hints.min !== undefined) min = hints.min;
  if (hints.max !== undefined) max = hints.max;
  if (hints.default !== undefined) dflt = hints.default;
  const question: SurveyQuestion = {
    question_name: hints.question ?? humanize(name),
    question_description: hints.description ?? firstSentence(descriptionLines(option)),
    required: hints.required ?? required,
    type,
    variable,
    min,
    max,
    default: surveyDefault(type, dflt, variable),
  };
  if (choices) question.choices = choices;
  return question;
}

function surveyDefault(type: SurveyQuestionType, value: unknown, variable: string): string | number {
  if (value === undefined || value === null) return '';
  if (type === 'integer') {
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isInteger(n)) throw new SurveyError(`${variable}: default ${JSON.stringify(value)} is not an integer`);
    return n;
  }
  if (type === 'float') {
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n)) throw new SurveyError(`${variable}: default ${JSON.stringify(value)} is not a number`);
    return n;
  }
  if (typeof value === 'boolean') return yesNo(value);
  if (Array.isArray(value)) return value.map(String).join(type === 'multiselect' ? '\n' : ',');
  return String(value);
}

/** A survey asking for every top-level scalar option of one module, variables named like the options. */
export function surveyFromSchema(moduleName: string, schema: OptionSchema): SurveySpec {
  const required = new Set(schema.required ?? []);
  const spec: SurveyQuestion[] = [];
  for (const [name, option] of Object.entries(schema.properties ?? {})) {
    const t = primaryType(option);
    if (
      (t === 'object' || (t === 'array' && primaryType(option.items ?? {}) === 'object')) &&
      !option['x-survey']?.type
    )
      continue;
    spec.push(questionFromOption(name, name, option, required.has(name)));
  }
  return { name: moduleName, description: firstSentence(descriptionLines(schema)), spec };
}

/** Finds the option at a dotted path (`guest.users[].name`) and whether every step of it is required. */
export function optionAt(
  schema: OptionSchema,
  path: string,
): { option: OptionSchema; name: string; required: boolean } {
  let node = schema;
  let required = true;
  let name = '';
  for (const part of path.split('.')) {
    const list = part.endsWith('[]');
    name = list ? part.slice(0, -2) : part;
    const next = node.properties?.[name];
    if (!next) throw new SurveyError(`no option ${path} (at ${name})`);
    required = required && (node.required ?? []).includes(name);
    node = list ? (next.items ?? {}) : next;
  }
  return { option: node, name, required };
}

/** Builds a survey from a definition; `schemas` maps module names to resolved schemas. */
export function surveyFromDefinition(
  definition: SurveyDefinition,
  schemas: Readonly<Record<string, OptionSchema>>,
): SurveySpec {
  const seen = new Set<string>();
  const spec = definition.variables.map((v) => {
    if (seen.has(v.variable)) throw new SurveyError(`variable ${v.variable} is defined twice`);
    seen.add(v.variable);
    const { variable, from, ...overrides } = v;
    if (!from) {
      if (!overrides.type) throw new SurveyError(`${variable}: needs either from: <module>#<option> or a type`);
      return questionFromOption(
        variable,
        variable,
        { type: 'string', description: overrides.description ?? '' },
        overrides.required ?? false,
        overrides,
      );
    }
    const hash = from.indexOf('#');
    if (hash <= 0) throw new SurveyError(`${variable}: from must look like <module>#<option path>, got ${from}`);
    const moduleName = from.slice(0, hash);
    const schema = schemas[moduleName];
    if (!schema) throw new SurveyError(`${variable}: no module ${moduleName}`);
    const { option, name, required } = optionAt(schema, from.slice(hash + 1));
    return questionFromOption(variable, name, option, required, overrides);
  });
  return { name: definition.name, description: definition.description, spec };
}
