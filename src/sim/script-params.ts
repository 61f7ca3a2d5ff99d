/**
 * Reads a script's `param(...)` block the way the simulator needs it to bind JSON arguments as PowerShell would:
 * names, types, Mandatory, ValidateSet and literal defaults. Unknown or missing parameters fail with PowerShell's
 * own wording, so the driver/script contract is checked on every simulated call.
 */
export interface ScriptParam {
  readonly name: string;
  readonly type: string;
  readonly mandatory: boolean;
  readonly validateSet?: readonly string[];
  readonly defaultValue?: unknown;
}

export function parseParamBlock(text: string): ScriptParam[] {
  const start = text.search(/^param\s*\(/m);
  if (start < 0) return [];
  const open = text.indexOf('(', start);
  let depth = 0;
  let end = open;
  for (let i = open; i < text.length; i += 1) {
    const c = text[i];
    if (c === '(') depth += 1;
    else if (c === ')') {
      depth -= 1;
      if (depth === 0) {
        end = i;
        break;
      }
    }
  }
  const body = text.slice(open + 1, end);
  return splitTopLevel(body).map(parseOne).filter((p): p is ScriptParam => p !== undefined);
}

function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (const c of body) {
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth += 1;
    else if (c === ')' || c === ']' || c === '}') depth -= 1;
    else if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim() !== '') parts.push(current);
  return parts;
}

function parseOne(part: string): ScriptParam | undefined {
  const match = /\[([A-Za-z\[\]]+)\]\s*\$([A-Za-z_][A-Za-z0-9_]*)\s*(?:=\s*([\s\S]+))?$/.exec(part.trim());
  if (!match) return undefined;
  const [, type, name, rawDefault] = match as unknown as [string, string, string, string | undefined];
  const set = /ValidateSet\(([^)]*)\)/.exec(part)?.[1]?.split(',').map((s) => s.trim().replace(/^'|'$/g, ''));
  return {
    name,
    type: type.toLowerCase(),
    mandatory: /Mandatory\s*=\s*\$true/i.test(part),
    ...(set ? { validateSet: set } : {}),
    ...(rawDefault !== undefined ? { defaultValue: literal(rawDefault.trim()) } : {}),
  };
}

function literal(text: string): unknown {
  if (/^'.*'$/s.test(text)) return text.slice(1, -1).replace(/''/g, "'");
  if (/^-?\d+$/.test(text)) return Number(text);
  if (text === '$true') return true;
  if (text === '$false') return false;
  if (text === '@()') return [];
  return undefined;
}

export class BindError extends Error {}

/** Binds JSON arguments to parameters, coercing like PowerShell's binder for the types virtseal scripts use. */
export function bindArguments(params: readonly ScriptParam[], args: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const bound: Record<string, unknown> = {};
  for (const key of Object.keys(args)) {
    if (!params.some((p) => p.name.toLowerCase() === key.toLowerCase())) {
      throw new BindError(`A parameter cannot be found that matches parameter name '${key}'.`);
    }
  }
  const missing: string[] = [];
  for (const p of params) {
    const key = Object.keys(args).find((k) => k.toLowerCase() === p.name.toLowerCase());
    if (key === undefined) {
      if (p.mandatory) missing.push(p.name);
      else if (p.defaultValue !== undefined) bound[p.name] = p.defaultValue;
      continue;
    }
    const value = coerce(p, args[key]);
    if (p.validateSet && !p.validateSet.some((s) => s.toLowerCase() === String(value).toLowerCase())) {
      throw new BindError(`Cannot validate argument on parameter '${p.name}'. The argument "${String(value)}" does not belong to the set "${p.validateSet.join(',')}".`);
    }
    if (p.mandatory && (value === '' || value === null)) {
      throw new BindError(`Cannot bind argument to parameter '${p.name}' because it is an empty string.`);
    }
    bound[p.name] = value;
  }
  if (missing.length > 0) throw new BindError(`Cannot process command because of one or more missing mandatory parameters: ${missing.join(' ')}.`);
  return bound;
}

function coerce(p: ScriptParam, value: unknown): unknown {
  const fail = (): never => {
    throw new BindError(`Cannot process argument transformation on parameter '${p.name}'. Cannot convert value "${String(value)}" to type "${p.type}".`);
  };
  switch (p.type) {
    case 'string':
      if (value === null) return '';
      if (typeof value === 'object') fail();
      return String(value);
    case 'int':
    case 'long':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
      return fail();
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      return fail();
    case 'hashtable':
      if (value && typeof value === 'object' && !Array.isArray(value)) return value;
      return fail();
    case 'string[]':
      return (Array.isArray(value) ? value : [value]).map((v) => (v === null ? '' : typeof v === 'object' ? fail() : String(v)));
    case 'object[]':
      return Array.isArray(value) ? value : [value];
    default:
      return value;
  }
}
