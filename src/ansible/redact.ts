/**
 * No-log handling. ansible-core does not mask anything for non-Python modules, so the runtime does it: values of
 * `x-no-log` options become VALUE_SPECIFIED_IN_NO_LOG_PARAMETER in `invocation`, and every secret (those values
 * plus whatever a module registers with ctx.addSecret) is replaced by `********` wherever it appears in the result,
 * inside strings and keys, at any depth.
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
    out[key] = prop?.['x-no-log'] && value !== null && value !== undefined ? NO_LOG_PLACEHOLDER : maskNoLogOptions(prop, value);
  }
  return out;
}

/** Replaces every occurrence of every secret in strings and keys, deeply. Longest secrets are replaced first. */
export function maskSecrets<T>(value: T, secrets: Iterable<string>): T {
  const list = [...new Set(secrets)].filter((s) => s !== '').sort((a, b) => b.length - a.length);
  if (list.length === 0) return value;
  const scrub = (text: string): string => {
    let out = text;
    for (const s of list) if (out.includes(s)) out = out.split(s).join(MASK);
    return out;
  };
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return scrub(node);
    if (typeof node === 'number' && list.includes(String(node))) return MASK;
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) out[scrub(k)] = walk(v);
      return out;
    }
    return node;
  };
  return walk(value) as T;
}
