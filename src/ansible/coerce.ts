/**
 * Ansible-style argument normalisation, in the order ansible's ArgumentSpecValidator applies it at each level:
 * aliases, unsupported parameters, mutually exclusive groups, required options, type conversion, required-together
 * groups, defaults, choices; then sub-options. The first problem throws an InvalidArgument whose message is one line
 * naming the option, as ansible prints it. Values of no_log options never appear in messages.
 */
import { InvalidArgument } from '../core/errors';
import { aliasMap, ansibleType, joinPath, type AnsibleType, type OptionSchema } from './schema';

const TRUE_WORDS = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE_WORDS = new Set(['n', 'no', 'off', '0', 'false', 'f']);

export interface NormalizeContext {
  readonly moduleName: string;
  /** Messages for conversions ansible also warns about (number given for a string option). */
  readonly warnings: string[];
}

function pyType(value: unknown): string {
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'string': return 'str';
    case 'boolean': return 'bool';
    case 'number': return Number.isInteger(value) ? 'int' : 'float';
    case 'object': return 'dict';
    default: return typeof value;
  }
}

class Unconvertible extends Error {}

function show(value: unknown, secret: boolean): string {
  return secret ? 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' : JSON.stringify(value);
}

export function toBool(value: unknown, secret = false): boolean {
  if (typeof value === 'boolean') return value;
  const word = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (word !== undefined && TRUE_WORDS.has(word)) return true;
  if (word !== undefined && FALSE_WORDS.has(word)) return false;
  throw new Unconvertible(`the value ${show(value, secret)} is not a valid boolean. Valid booleans include: yes, no, true, false, on, off, 1, 0`);
}

function toInt(value: unknown, secret: boolean): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) {
    const n = Number(value.trim());
    if (Number.isSafeInteger(n)) return n;
  }
  throw new Unconvertible(`${show(value, secret)} cannot be converted to an int`);
}

function toFloat(value: unknown, secret: boolean): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) return Number(value.trim());
  throw new Unconvertible(`${show(value, secret)} cannot be converted to a float`);
}

function toDict(value: unknown, secret: boolean): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      } catch {
        /* fall through to the error below */
      }
    } else if (text.includes('=')) {
      const out: Record<string, unknown> = {};
      for (const pair of text.split(/[\s,]+/).filter(Boolean)) {
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new Unconvertible(`${show(value, secret)} cannot be converted to a dict`);
        out[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      return out;
    }
  }
  throw new Unconvertible(`${show(value, secret)} cannot be converted to a dict`);
}

function convert(type: AnsibleType, value: unknown, secret: boolean, ctx: NormalizeContext): unknown {
  switch (type) {
    case 'str':
    case 'path':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') {
        const text = typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value);
        if (!secret) ctx.warnings.push(`The value ${JSON.stringify(value)} (type ${pyType(value)}) in a string field was converted to '${text}' (type string). If this does not look like what you expect, quote the entire value to ensure it does not change.`);
        return text;
      }
      throw new Unconvertible(`${pyType(value)} cannot be converted to a str`);
    case 'int': return toInt(value, secret);
    case 'float': return toFloat(value, secret);
    case 'bool': return toBool(value, secret);
    case 'list':
      if (Array.isArray(value)) return value;
      if (typeof value === 'string') return value === '' ? [] : value.split(',');
      if (typeof value === 'number') return [String(value)];
      throw new Unconvertible(`${pyType(value)} cannot be converted to a list`);
    case 'dict': return toDict(value, secret);
    case 'raw': return value;
  }
}

function choicesOf(schema: OptionSchema): readonly unknown[] | undefined {
  return schema.enum;
}

function checkChoice(schema: OptionSchema, value: unknown, path: string, secret: boolean): void {
  const choices = choicesOf(schema);
  if (!choices || choices.some((c) => c === value)) return;
  throw new InvalidArgument(`value of ${path} must be one of: ${choices.map((c) => String(c)).join(', ')}, got: ${secret ? 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' : String(value)}`, path);
}

/** Normalises one value against its option schema (type, choices, then sub-options). */
function normalizeValue(schema: OptionSchema, value: unknown, path: string, ctx: NormalizeContext, secretAbove: boolean): unknown {
  const secret = secretAbove || schema['x-no-log'] === true;
  if (value === null || value === undefined) return value;
  const type = ansibleType(schema);
  let converted: unknown;
  try {
    converted = convert(type, value, secret, ctx);
  } catch (err) {
    if (!(err instanceof Unconvertible)) throw err;
    throw new InvalidArgument(`argument '${path}' is of type ${pyType(value)} and we were unable to convert to ${type}: ${err.message}`, path);
  }
  if (type === 'list') {
    const items = schema.items;
    const list = converted as unknown[];
    if (!items) return list;
    return list.map((item, i) => normalizeValue(items, item, joinPath(path, i), ctx, secret));
  }
  checkChoice(schema, converted, path, secret);
  if (type === 'dict' && schema.properties) {
    return normalizeObject(schema, converted as Record<string, unknown>, path, ctx, secret);
  }
  return converted;
}

function present(obj: Record<string, unknown>, key: string): boolean {
  return obj[key] !== undefined && obj[key] !== null;
}

/**
 * Normalises an object of options (the module's top level or a dict/list-of-dicts sub-option) and returns a new
 * object with aliases resolved, types converted and defaults applied. Throws InvalidArgument on the first problem.
 */
export function normalizeObject(
  schema: OptionSchema,
  input: Readonly<Record<string, unknown>>,
  path: string,
  ctx: NormalizeContext,
  secretAbove = false,
): Record<string, unknown> {
  const props = schema.properties ?? {};
  const aliases = aliasMap(schema);
  const out: Record<string, unknown> = {};
  const unsupported: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    const name = key in props ? key : aliases.get(key);
    if (name === undefined) {
      if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) out[key] = value;
      else unsupported.push(joinPath(path, key));
      continue;
    }
    if (name !== key && key in input && name in input) {
      throw new InvalidArgument(`both option ${joinPath(path, name)} and its alias ${joinPath(path, key)} are set`, joinPath(path, name));
    }
    out[name] = value;
  }
  if (unsupported.length > 0) {
    const supported = Object.entries(props)
      .flatMap(([n, p]) => [n, ...(p['x-aliases'] ?? [])])
      .sort();
    const where = path === '' ? `(${ctx.moduleName}) module` : `(${ctx.moduleName}) module, in ${path}`;
    throw new InvalidArgument(`Unsupported parameters for ${where}: ${unsupported.join(', ')}. Supported parameters include: ${supported.join(', ')}.`, unsupported[0]);
  }
  for (const group of schema['x-mutually-exclusive'] ?? []) {
    const set = group.filter((k) => present(out, k));
    if (set.length > 1) {
      throw new InvalidArgument(`parameters are mutually exclusive: ${group.map((k) => joinPath(path, k)).join('|')}`, joinPath(path, set[0]!));
    }
  }
  const missing = (schema.required ?? []).filter((k) => !present(out, k) && (props[k]?.default === undefined));
  if (missing.length > 0) {
    const where = path === '' ? '' : ` found in ${path}`;
    throw new InvalidArgument(`missing required arguments: ${missing.map((k) => joinPath(path, k)).join(', ')}${where}`, joinPath(path, missing[0]!));
  }
  for (const [name, prop] of Object.entries(props)) {
    if (!present(out, name)) continue;
    out[name] = normalizeValue(prop, out[name], joinPath(path, name), ctx, secretAbove);
  }
  for (const group of schema['x-required-together'] ?? []) {
    const set = group.filter((k) => present(out, k));
    if (set.length > 0 && set.length < group.length) {
      throw new InvalidArgument(`parameters are required together: ${group.map((k) => joinPath(path, k)).join(', ')}`, joinPath(path, group.find((k) => !present(out, k))!));
    }
  }
  for (const [name, prop] of Object.entries(props)) {
    if (out[name] === undefined && prop.default !== undefined) out[name] = structuredClone(prop.default);
  }
  return out;
}
