/**
 * Module argument validation: ansible-style normalisation (coerce.ts) first, then ajv for every remaining JSON
 * Schema constraint (ranges, lengths, patterns, formats), its first error turned into one line naming the option.
 */
import type { ErrorObject } from 'ajv';
import { InvalidArgument } from '../core/errors';
import { compileSchema } from './ajv-compile';
import { normalizeObject } from './coerce';
import type { OptionSchema } from './schema';

function optionPath(instancePath: string): string {
  let out = '';
  for (const raw of instancePath.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out = /^\d+$/.test(key) ? `${out}[${key}]` : out === '' ? key : `${out}.${key}`;
  }
  return out;
}

function isSecretPath(schema: OptionSchema, instancePath: string): boolean {
  let node: OptionSchema | undefined = schema;
  for (const key of instancePath.split('/').slice(1)) {
    if (!node) return false;
    if (node['x-no-log']) return true;
    node = /^\d+$/.test(key) ? node.items : node.properties?.[key];
  }
  return node?.['x-no-log'] === true;
}

const plural = (n: unknown, word: string) => `${String(n)} ${word}${n === 1 ? '' : 's'}`;

/** Renders an ajv error as an ansible-style line naming the option. */
export function describeAjvError(error: ErrorObject, schema: OptionSchema): InvalidArgument {
  const p = error.params as Record<string, unknown>;
  const secret = isSecretPath(schema, error.instancePath);
  const name = optionPath(error.instancePath);
  const arg = name === '' ? 'the module arguments' : `argument '${name}'`;
  const got = secret || error.data === undefined ? '' : `, got ${JSON.stringify(error.data)}`;
  let text: string;
  switch (error.keyword) {
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      text = `${arg} must be ${String(p.comparison)} ${String(p.limit)}${got}`;
      break;
    case 'minLength':
      text = `${arg} must be at least ${plural(p.limit, 'character')} long`;
      break;
    case 'maxLength':
      text = `${arg} must be at most ${plural(p.limit, 'character')} long`;
      break;
    case 'minItems':
      text = `${arg} must have at least ${plural(p.limit, 'item')}`;
      break;
    case 'maxItems':
      text = `${arg} must have at most ${plural(p.limit, 'item')}`;
      break;
    case 'pattern':
      text = `${arg} must match the pattern ${String(p.pattern)}${got}`;
      break;
    case 'format':
      text = `${arg} must be a valid ${String(p.format)}${got}`;
      break;
    case 'enum':
      text = `value of ${name} must be one of: ${((p.allowedValues as unknown[]) ?? []).map(String).join(', ')}${secret ? '' : `, got: ${String(error.data)}`}`;
      break;
    case 'required': {
      const missing = name === '' ? String(p.missingProperty) : `${name}.${String(p.missingProperty)}`;
      return new InvalidArgument(`missing required arguments: ${missing}`, missing);
    }
    case 'additionalProperties': {
      const extra = name === '' ? String(p.additionalProperty) : `${name}.${String(p.additionalProperty)}`;
      return new InvalidArgument(`Unsupported parameters: ${extra}`, extra);
    }
    default:
      text = `${arg} ${error.message ?? 'is invalid'}`;
  }
  return new InvalidArgument(text, name === '' ? undefined : name);
}

export interface ValidationOutcome {
  readonly options: Record<string, unknown>;
  readonly warnings: readonly string[];
}

/**
 * Validates raw module arguments (task parameters without `_ansible_*` keys) against a resolved schema.
 * Returns the normalised options; throws InvalidArgument with an ansible-style message on the first problem.
 */
export function validateArguments(
  schema: OptionSchema,
  raw: Readonly<Record<string, unknown>>,
  moduleName: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ValidationOutcome {
  const warnings: string[] = [];
  const options = normalizeObject(schema, raw, '', { moduleName, warnings, env });
  // ajv sees undefined-free JSON: unset options are simply absent.
  const validate = compileSchema(schema);
  if (!validate(options)) {
    const first = validate.errors?.[0];
    throw first ? describeAjvError(first, schema) : new InvalidArgument('invalid module arguments');
  }
  return { options, warnings };
}
