/**
 * No-log handling. ansible-core does not mask anything for non-Python modules, so the runtime does it: values of
 * `x-no-log` options, and of keys the schema does not know, become VALUE_SPECIFIED_IN_NO_LOG_PARAMETER in
 * `invocation`, and every secret (those values plus whatever a module registers with ctx.addSecret) is replaced by
 * `********` in the result, at any depth, without changing the result's shape (see maskSecrets).
 */
import { aliasMap, type OptionSchema } from './schema';

export const NO_LOG_PLACEHOLDER = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER';
export const MASK = '********';

function leafStrings(value: unknown, into: Set<string>): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string') {
    if (value !== '') into.add(value);
  } else if (typeof value === 'number') {
    into.add(String(value));
  } else if (Array.isArray(value)) {
    for (const v of value) leafStrings(v, into);
  } else if (typeof value === 'object') {
    for (const v of Object.values(value)) leafStrings(v, into);
  }
}

/** Collects the values of every `x-no-log` option in `args` (raw or normalised; aliases understood). */
export function collectSecrets(schema: OptionSchema, args: unknown, into: Set<string> = new Set()): Set<string> {
  if (args === null || typeof args !== 'object') return into;
  if (Array.isArray(args)) {
    if (schema.items) for (const item of args) collectSecrets(schema.items, item, into);
    return into;
  }
  const props = schema.properties ?? {};
  const aliases = aliasMap(schema);
  for (const [key, value] of Object.entries(args)) {
    const prop = props[key] ?? props[aliases.get(key) ?? ''];
    if (!prop) continue;
    if (prop['x-no-log']) leafStrings(value, into);
    else if (prop.properties || prop.items) collectSecrets(prop, value, into);
  }
  return into;
}

/** Copy of `args` with every `x-no-log` option's value replaced by the ansible placeholder. */
export function maskNoLogOptions(schema: OptionSchema | undefined, args: unknown): unknown {
  if (!schema || args === null || typeof args !== 'object') return args;
  if (Array.isArray(args)) return args.map((item) => maskNoLogOptions(schema.items, item));
  const props = schema.properties ?? {};
  const aliases = aliasMap(schema);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    const prop = props[key] ?? props[aliases.get(key) ?? ''];
    // An unknown key may be a misspelt secret option (admin_pasword): its value is not echoed either.
    const unknown =
      !prop &&
      schema.properties !== undefined &&
      (schema.additionalProperties === undefined || schema.additionalProperties === false);
    out[key] =
      (prop?.['x-no-log'] || unknown) && value !== null && value !== undefined
        ? NO_LOG_PLACEHOLDER
        : maskNoLogOptions(prop, value);
  }
  return out;
}

/** Secrets shorter than this are masked only where a whole string value equals them (see maskSecrets). */
export const MIN_MASKABLE_LENGTH = 4;
/** A key is masked only when it contains a secret at least this long, so a short secret never rewrites `password`. */
export const MIN_KEY_MASK_LENGTH = 8;

/** The warning a result carries when a secret is too short to be masked inside longer text. */
export function shortSecretWarning(secrets: Iterable<string>): string | undefined {
  const short = [...new Set(secrets)].filter((s) => s !== '' && [...s].length < MIN_MASKABLE_LENGTH);
  if (short.length === 0) return undefined;
  return (
    `${short.length === 1 ? 'a no_log value is' : `${short.length} no_log values are`} shorter than ${MIN_MASKABLE_LENGTH} characters: ` +
    'it is masked where it is a whole value, but not inside longer text, where masking it would rewrite unrelated words. Use a longer secret.'
  );
}

/**
 * Masks secrets in a result without changing its shape. A secret of MIN_MASKABLE_LENGTH characters or more is
 * replaced by `********` wherever it occurs inside a string, and a number that spells it becomes the mask. A shorter
 * secret replaces only string values that are exactly the secret: inside longer text it would rewrite unrelated
 * words (a password `p` would turn `option` into `o********tion`). Keys are rewritten only when they contain a secret
 * of MIN_KEY_MASK_LENGTH characters or more. Longest secrets are replaced first.
 */
export function maskSecrets<T>(value: T, secrets: Iterable<string>): T {
  const all = [...new Set(secrets)].filter((s) => s !== '').sort((a, b) => b.length - a.length);
  if (all.length === 0) return value;
  const long = all.filter((s) => [...s].length >= MIN_MASKABLE_LENGTH);
  const exact = new Set(all);
  const keySecrets = long.filter((s) => [...s].length >= MIN_KEY_MASK_LENGTH);
  const scrub = (text: string, list: readonly string[]): string => {
    let out = text;
    for (const s of list) if (out.includes(s)) out = out.split(s).join(MASK);
    return out;
  };
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return exact.has(node) ? MASK : scrub(node, long);
    if (typeof node === 'number' && long.includes(String(node))) return MASK;
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) out[scrub(k, keySecrets)] = walk(v);
      return out;
    }
    return node;
  };
  return walk(value) as T;
}
