/**
 * Ansible-style argument normalisation, following ansible-core's ArgumentSpecValidator step for step at each level:
 * environment fallbacks, aliases, unsupported parameters, mutually exclusive groups, non-null defaults, required
 * options, type conversion, choices (with the YAML 1.1 boolean mapped back to a string choice), required-together
 * groups, then sub-options. Like ansible it keeps going after a problem and reports the first one in ansible's
 * order (unsupported parameters of every level come last). The message is one line naming the option with its full
 * path (`disks[0].size_gb`); values of no_log options never appear in it.
 *
 * test/differential/argspec.test.ts feeds generated inputs to this code and to ansible-core's own validator; the
 * differences that remain on purpose are listed in docs/ansible-modules.md.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { InvalidArgument } from '../core/errors';
import { aliasMap, ansibleType, joinPath, type AnsibleType, type OptionSchema } from './schema';

const TRUE_WORDS = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE_WORDS = new Set(['n', 'no', 'off', '0', 'false', 'f']);

export interface NormalizeContext {
  readonly moduleName: string;
  /** Messages for conversions ansible also warns about (number given for a string option, option and alias both set). */
  readonly warnings: string[];
  /** Environment for `x-env-fallback` and path expansion; process.env when absent. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function pyType(value: unknown): string {
  if (value === null) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    case 'object':
      return 'dict';
    default:
      return typeof value;
  }
}

class Unconvertible extends Error {}

function show(value: unknown, secret: boolean): string {
  return secret ? 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' : JSON.stringify(value);
}

const isDict = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Python's str() of a float: the shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pyFloatText(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const e = Math.abs(exp);
    return `${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  const text = String(x);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

export function toBool(value: unknown, secret = false): boolean {
  if (typeof value === 'boolean') return value;
  const word =
    typeof value === 'number'
      ? value === 1
        ? '1'
        : value === 0
          ? '0'
          : undefined
      : typeof value === 'string'
        ? value.trim().toLowerCase()
        : undefined;
  if (word !== undefined && TRUE_WORDS.has(word)) return true;
  if (word !== undefined && FALSE_WORDS.has(word)) return false;
  throw new Unconvertible(
    `the value ${show(value, secret)} is not a valid boolean. Valid booleans include: yes, no, true, false, on, off, 1, 0`,
  );
}

/** Unicode decimal digits (what Python's int() and float() accept) as ASCII digits. */
function asciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (d) => {
    let cp = d.codePointAt(0)!;
    let start = cp;
    while (/\p{Nd}/u.test(String.fromCodePoint(start - 1))) start--;
    cp -= start;
    return String(cp % 10);
  });
}

function toInt(value: unknown, secret: boolean): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  // Python's int(): surrounding whitespace, a sign, single underscores between digits, any Unicode decimal digit.
  if (typeof value === 'string' && /^\s*[+-]?\p{Nd}+(_\p{Nd}+)*\s*$/u.test(value)) {
    const n = Number(asciiDigits(value.trim()).replace(/_/g, ''));
    if (Number.isSafeInteger(n)) return n;
  }
  throw new Unconvertible(`${show(value, secret)} cannot be converted to an int`);
}

function toFloat(value: unknown, secret: boolean): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const text = typeof value === 'string' ? asciiDigits(value) : undefined;
  if (text !== undefined && /^\s*[+-]?(\d+(_\d+)*\.?(\d+(_\d+)*)?|\.\d+(_\d+)*)([eE][+-]?\d+(_\d+)*)?\s*$/.test(text)) {
    return Number(text.trim().replace(/_/g, ''));
  }
  throw new Unconvertible(`${show(value, secret)} cannot be converted to a float`);
}

/** ansible's key=value parsing: fields split on unquoted commas and spaces, quotes removed, backslash escapes. */
function keyValueDict(text: string, secret: boolean, original: unknown): Record<string, unknown> {
  const fields: string[] = [];
  let buffer = '';
  let quote: string | undefined;
  let escaping = false;
  for (const c of text.trim()) {
    if (escaping) {
      buffer += c;
      escaping = false;
    } else if (c === '\\') {
      escaping = true;
    } else if (quote === undefined && (c === "'" || c === '"')) {
      quote = c;
    } else if (quote !== undefined && c === quote) {
      quote = undefined;
    } else if (quote === undefined && (c === ',' || c === ' ')) {
      if (buffer !== '') fields.push(buffer);
      buffer = '';
    } else {
      buffer += c;
    }
  }
  if (buffer !== '') fields.push(buffer);
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const eq = field.indexOf('=');
    if (eq < 0)
      throw new Unconvertible(
        `${show(original, secret)} cannot be converted to a dict: '${secret ? '…' : field}' is not key=value`,
      );
    out[field.slice(0, eq)] = field.slice(eq + 1);
  }
  return out;
}

function toDict(value: unknown, secret: boolean): Record<string, unknown> {
  if (isDict(value)) return value;
  if (typeof value === 'string') {
    if (value.startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(value);
        if (isDict(parsed)) return parsed;
      } catch {
        /* fall through to the error below */
      }
      throw new Unconvertible(
        `${show(value, secret)} cannot be converted to a dict: unable to evaluate string as dictionary`,
      );
    }
    if (value.includes('=')) return keyValueDict(value, secret, value);
    throw new Unconvertible(
      `${show(value, secret)} cannot be converted to a dict: dictionary requested, could not parse JSON or key=value`,
    );
  }
  throw new Unconvertible(`${pyType(value)} cannot be converted to a dict`);
}

let passwdHomes: Map<string, string> | undefined;
function userHome(name: string): string | undefined {
  if (!passwdHomes) {
    passwdHomes = new Map();
    try {
      for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
        const f = line.split(':');
        if (f.length >= 7) passwdHomes.set(f[0]!, f[5]!);
      }
    } catch {
      /* no passwd file: ~user stays as written, as in Python */
    }
  }
  return passwdHomes.get(name);
}

/** Python's os.path.expanduser(os.path.expandvars(value)), which ansible applies to `path` options. */
export function expandPath(value: string, env: Readonly<Record<string, string | undefined>>): string {
  const vars = value.includes('$')
    ? value.replace(/\$([A-Za-z0-9_]+|\{[^}]*\})/g, (whole, name: string) => {
        const key = name.startsWith('{') ? name.slice(1, -1) : name;
        const v = env[key];
        return v === undefined ? whole : v;
      })
    : value;
  if (!vars.startsWith('~')) return vars;
  let slash = vars.indexOf('/', 1);
  if (slash < 0) slash = vars.length;
  const home = slash === 1 ? (env.HOME ?? homedir()) : userHome(vars.slice(1, slash));
  if (home === undefined) return vars;
  return home.replace(/\/+$/, '') + vars.slice(slash) || '/';
}

function convert(
  type: AnsibleType,
  value: unknown,
  secret: boolean,
  ctx: NormalizeContext,
  env: Readonly<Record<string, string | undefined>>,
): unknown {
  switch (type) {
    case 'str':
    case 'path': {
      let text: string;
      if (typeof value === 'string') text = value;
      else if (typeof value === 'number' || typeof value === 'boolean') {
        text =
          typeof value === 'boolean'
            ? value
              ? 'True'
              : 'False'
            : Number.isInteger(value)
              ? String(value)
              : pyFloatText(value);
        if (!secret)
          ctx.warnings.push(
            `The value ${JSON.stringify(value)} (type ${pyType(value)}) in a string field was converted to '${text}' (type string). If this does not look like what you expect, quote the entire value to ensure it does not change.`,
          );
      } else {
        // ansible would store Python's repr of the list or dict; virtseal refuses (docs/ansible-modules.md).
        throw new Unconvertible(`a ${pyType(value)} cannot be used as a string`);
      }
      return type === 'path' ? expandPath(text, env) : text;
    }
    case 'int':
      return toInt(value, secret);
    case 'float':
      return toFloat(value, secret);
    case 'bool':
      return toBool(value, secret);
    case 'list':
      if (Array.isArray(value)) return value;
      if (typeof value === 'string') return value.split(',');
      if (typeof value === 'number') return [Number.isInteger(value) ? String(value) : pyFloatText(value)];
      if (typeof value === 'boolean') return [value ? 'True' : 'False'];
      throw new Unconvertible(`${pyType(value)} cannot be converted to a list`);
    case 'dict':
      return toDict(value, secret);
    case 'raw':
      return value;
  }
}

/** The element schema of a list option whose elements are dicts with sub-options. */
function subSpecOf(schema: OptionSchema): OptionSchema | undefined {
  const type = ansibleType(schema);
  if (type === 'dict' && schema.properties) return schema;
  if (type === 'list' && schema.items && ansibleType(schema.items) === 'dict' && schema.items.properties)
    return schema.items;
  return undefined;
}

/** The choices of an option: its enum, or for a list its elements' enum (ansible checks each element). */
function choicesOf(schema: OptionSchema): readonly unknown[] | undefined {
  if (schema.enum) return schema.enum;
  if (ansibleType(schema) === 'list') return schema.items?.enum;
  return undefined;
}

function pyText(value: unknown): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number' && !Number.isInteger(value)) return pyFloatText(value);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Python `==` as `in` uses it for choices: 1 == 1.0 == True, 0 == False. */
function pyEquals(a: unknown, b: unknown): boolean {
  const num = (v: unknown) => (typeof v === 'boolean' ? Number(v) : v);
  return (
    num(a) === num(b) || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b))
  );
}

/** The one string choice a YAML 1.1 boolean stands for ('True' → 'on' among on/off), as ansible maps it back. */
function booleanChoice(value: unknown, choices: readonly unknown[]): unknown {
  const words = value === 'True' ? TRUE_WORDS : value === 'False' ? FALSE_WORDS : undefined;
  if (!words) return undefined;
  const numeric = value === 'True' ? 1 : 0;
  const overlap = new Set<unknown>();
  for (const c of choices) {
    if (typeof c === 'string' && words.has(c)) overlap.add(c);
    else if (c === numeric || c === (numeric === 1)) overlap.add(numeric);
  }
  if (overlap.size !== 1) return undefined;
  const [only] = overlap;
  return choices.find((c) => pyEquals(c, only));
}

/**
 * ansible's `_list_no_log_values` pass: for each option with sub-options that is given (by its own name), every
 * element must be a dict or a string that converts to one; it recurses into them. Returns the first problem.
 */
function scanSubOptions(
  schema: OptionSchema,
  params: Readonly<Record<string, unknown>>,
  path: string,
): Problem | undefined {
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const sub = subSpecOf(prop);
    const value = params[name];
    if (!sub || value === null || value === undefined) continue;
    const list = Array.isArray(value);
    for (const [i, element] of (list ? value : [value]).entries()) {
      const where = list ? joinPath(joinPath(path, name), i) : joinPath(path, name);
      let dict: unknown = element;
      if (typeof element === 'string') {
        try {
          dict = toDict(element, false);
        } catch (err) {
          if (!(err instanceof Unconvertible)) throw err;
          return {
            message: `argument '${where}' is of type str and we were unable to convert to dict: ${err.message}`,
            option: where,
          };
        }
      }
      if (!isDict(dict))
        return {
          message: `argument '${where}' is of type ${pyType(dict)} and we were unable to convert to dict: ${pyType(dict)} cannot be converted to a dict`,
          option: where,
        };
      const inner = scanSubOptions(sub, dict, where);
      if (inner) return inner;
    }
  }
  return undefined;
}

interface Problem {
  readonly message: string;
  readonly option: string | undefined;
}

interface Unsupported {
  readonly path: string;
  /** The name ansible lists: the parents and the key joined by dots, without list indexes. */
  readonly flat: string;
  readonly supported: readonly string[];
}

interface Run {
  readonly ctx: NormalizeContext;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly problems: Problem[];
  readonly unsupported: Unsupported[];
}

const flatName = (path: string) => path.replace(/\[\d+\]/g, '');

function foundIn(path: string): string {
  return path === '' ? '' : ` found in ${path}`;
}

/** Validates one level (the module's options, or one dict of sub-options) in ansible's order. Mutates `params`. */
function level(
  schema: OptionSchema,
  params: Record<string, unknown>,
  path: string,
  run: Run,
  secretAbove: boolean,
): Record<string, unknown> {
  const props = schema.properties ?? {};
  const entries = Object.entries(props);
  const at = (name: string) => joinPath(path, name);
  const has = (name: string) => Object.hasOwn(params, name);
  const secretOf = (prop: OptionSchema) => secretAbove || prop['x-no-log'] === true;

  // 1. Environment fallbacks, for options not given at all. An empty variable counts as unset (docs/ansible-modules.md).
  for (const [name, prop] of entries) {
    const vars = prop['x-env-fallback'] as readonly string[] | undefined;
    if (!vars || has(name)) continue;
    const found = vars.map((v) => run.env[v]).find((v) => v !== undefined && v !== '');
    if (found !== undefined) params[name] = found;
  }

  // 2. Aliases: the alias's value is copied to the option (the alias wins when both are given, with a warning).
  const aliases = aliasMap(schema);
  const aliasKeys = new Set<string>();
  for (const [name, prop] of entries) {
    for (const alias of prop['x-aliases'] ?? []) {
      if (!has(alias)) continue;
      if (has(name)) run.ctx.warnings.push(`Both option ${at(name)} and its alias ${at(alias)} are set.`);
      params[name] = params[alias];
      aliasKeys.add(alias);
    }
  }

  // 2b. ansible's no_log scan walks every option with sub-options first, parsing strings as dicts; the first value
  // that is not a dict (or a string that parses as one) stops the scan with an error that comes before all others.
  const scanProblem = scanSubOptions(schema, params, path);
  if (scanProblem) run.problems.push(scanProblem);

  // 3. Unsupported parameters: collected here, reported after every other problem.
  const free = schema.additionalProperties !== undefined && schema.additionalProperties !== false;
  if (!free) {
    const supported = entries.flatMap(([n, p]) => [n, ...(p['x-aliases'] ?? [])]).sort();
    for (const key of Object.keys(params)) {
      if (!(key in props) && !aliases.has(key))
        run.unsupported.push({ path: at(key), flat: flatName(at(key)), supported });
    }
  }

  // 4. Mutually exclusive groups (an option counts as given when its key is present, even with a null value).
  const exclusive = (schema['x-mutually-exclusive'] ?? []).filter((group) => group.filter(has).length > 1);
  if (exclusive.length > 0) {
    const first = exclusive[0]!.find(has)!;
    run.problems.push({
      message: `parameters are mutually exclusive: ${exclusive.map((g) => g.map(at).join('|')).join(', ')}`,
      option: at(first),
    });
  }

  // 5. Defaults that are not null, before the required check.
  for (const [name, prop] of entries) {
    if (!has(name) && prop.default !== undefined && prop.default !== null) params[name] = structuredClone(prop.default);
  }

  // 6. Required options.
  const missing = (schema.required ?? []).filter((k) => !has(k)).sort();
  if (missing.length > 0) {
    run.problems.push({
      message: `missing required arguments: ${missing.map(at).join(', ')}${foundIn(path)}`,
      option: at(missing[0]!),
    });
  }

  // 7. Types, option by option in schema order; list elements converted to the element type.
  for (const [name, prop] of entries) {
    if (!has(name) || params[name] === null || params[name] === undefined) continue;
    const type = ansibleType(prop);
    const secret = secretOf(prop);
    const value = params[name];
    let converted: unknown;
    try {
      converted = convert(type, value, secret, run.ctx, run.env);
    } catch (err) {
      if (!(err instanceof Unconvertible)) throw err;
      run.problems.push({
        message: `argument '${at(name)}' is of type ${pyType(value)} and we were unable to convert to ${type}: ${err.message}`,
        option: at(name),
      });
      continue;
    }
    if (type === 'list' && prop.items) {
      const elementType = ansibleType(prop.items);
      const kept: unknown[] = [];
      (converted as unknown[]).forEach((element, i) => {
        try {
          kept.push(convert(elementType, element, secret, run.ctx, run.env));
        } catch (err) {
          if (!(err instanceof Unconvertible)) throw err;
          const where = joinPath(at(name), i);
          run.problems.push({
            message: `argument '${where}' is of type ${pyType(element)} and we were unable to convert to ${elementType}: ${err.message}`,
            option: where,
          });
        }
      });
      converted = kept;
    }
    params[name] = converted;
  }

  // 8. Choices; a YAML 1.1 boolean given for a string option maps back to the one matching choice.
  for (const [name, prop] of entries) {
    const choices = choicesOf(prop);
    if (!choices || !has(name)) continue;
    const value = params[name];
    const secret = secretOf(prop);
    const list = choices.map(pyText).join(', ');
    if (Array.isArray(value)) {
      const bad = value.filter((v) => !choices.some((c) => pyEquals(c, v)));
      if (bad.length > 0) {
        const index = value.findIndex((v) => !choices.some((c) => pyEquals(c, v)));
        run.problems.push({
          message: `value of ${at(name)} must be one or more of: ${list}. Got no match for: ${secret ? 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' : bad.map(pyText).join(', ')}`,
          option: joinPath(at(name), index),
        });
      }
    } else if (!choices.some((c) => pyEquals(c, value))) {
      const mapped = booleanChoice(value, choices);
      if (mapped !== undefined) {
        params[name] = mapped;
      } else {
        run.problems.push({
          message: `value of ${at(name)} must be one of: ${list}, got: ${secret ? 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' : pyText(value)}`,
          option: at(name),
        });
      }
    } else {
      // Keep the schema's own spelling of the choice (1 for a given true, 'on' for 'on').
      params[name] = choices.find((c) => pyEquals(c, value));
    }
  }

  // 9. Required-together groups (ansible raises on the first incomplete group).
  const together = (schema['x-required-together'] ?? []).find((group) => group.some(has) && !group.every(has));
  if (together) {
    run.problems.push({
      message: `parameters are required together: ${together.map(at).join(', ')}${foundIn(path)}`,
      option: at(together.find((k) => !has(k))!),
    });
  }

  // 10. Sub-options, depth first.
  for (const [name, prop] of entries) {
    const sub = subSpecOf(prop);
    if (!sub || !has(name) || params[name] === null || params[name] === undefined) continue;
    const value = params[name];
    const isList = ansibleType(prop) === 'list';
    const elements = Array.isArray(value) ? value : [value];
    const out = elements.map((element, i) => {
      const where = isList ? joinPath(at(name), i) : at(name);
      if (!isDict(element)) {
        run.problems.push({ message: `value of '${where}' must be of type dict or list of dicts`, option: where });
        return element;
      }
      return level(sub, { ...element }, where, run, secretOf(prop));
    });
    params[name] = isList || Array.isArray(value) ? out : out[0];
  }

  for (const alias of aliasKeys) delete params[alias];
  return params;
}

/**
 * Normalises an object of options (the module's top level, or a dict of sub-options) and returns a new object with
 * environment fallbacks applied, aliases resolved, types converted and defaults applied. Throws InvalidArgument with
 * the first problem, in the order ansible-core reports them.
 */
export function normalizeObject(
  schema: OptionSchema,
  input: Readonly<Record<string, unknown>>,
  path: string,
  ctx: NormalizeContext,
  secretAbove = false,
): Record<string, unknown> {
  const run: Run = { ctx, env: ctx.env ?? process.env, problems: [], unsupported: [] };
  const out = level(schema, { ...input }, path, run, secretAbove);
  if (run.unsupported.length > 0) {
    const sorted = [...run.unsupported].sort((a, b) => (a.flat < b.flat ? -1 : a.flat > b.flat ? 1 : 0));
    const first = sorted[0]!;
    run.problems.push({
      message: `Unsupported parameters for (${ctx.moduleName}) module: ${sorted.map((u) => u.path).join(', ')}. Supported parameters include: ${first.supported.join(', ')}.`,
      option: first.path,
    });
  }
  const problem = run.problems[0];
  if (problem) throw new InvalidArgument(problem.message, problem.option);
  return out;
}
