/**
 * The fake XAPI's view of XAPI's published data model (src/drivers/xen/xenapi/subset.json, cut from xenapi.json):
 * which methods exist with which parameters, and what a new record of each class holds. The fake answers only
 * methods of this table and checks their arity as XAPI does (MESSAGE_METHOD_UNKNOWN,
 * MESSAGE_PARAMETER_COUNT_MISMATCH), so a caller cannot rely on a method or field XAPI lacks.
 */
import subsetJson from '../../drivers/xen/xenapi/subset.json';

export interface MessageSpec {
  readonly cls: string;
  readonly name: string;
  readonly params: readonly (readonly [string, string])[];
  readonly result: string;
  readonly minRole: string;
  readonly implicit: boolean;
}

interface SubsetFile {
  readonly source: string;
  readonly enums: Record<string, string[]>;
  readonly classes: {
    name: string;
    fields: string[][];
    messages: { name: string; params: [string, string][]; result: string; minRole: string; implicit: boolean }[];
  }[];
}

const subset = subsetJson as unknown as SubsetFile;

export const XENAPI_SOURCE = subset.source;
export const ENUMS: Readonly<Record<string, readonly string[]>> = subset.enums;

export const MESSAGES: ReadonlyMap<string, MessageSpec> = new Map(
  subset.classes.flatMap((c) => c.messages.map((m) => [`${c.name}.${m.name}`, { cls: c.name, ...m }] as const)),
);

/** Field name → [type, qualifier, default] of each class. */
export const FIELDS: ReadonlyMap<
  string,
  ReadonlyMap<string, { readonly type: string; readonly qualifier: string; readonly dflt?: string }>
> = new Map(
  subset.classes.map((c) => [
    c.name,
    new Map(c.fields.map(([n, t, q, d]) => [n!, { type: t!, qualifier: q!, ...(d !== undefined ? { dflt: d } : {}) }])),
  ]),
);

/** Class names as XAPI writes them, by lower case (event subscriptions are case-insensitive). */
export const CLASS_BY_LOWER: ReadonlyMap<string, string> = new Map(
  subset.classes.map((c) => [c.name.toLowerCase(), c.name]),
);

export const NULL_REF = 'OpaqueRef:NULL';

/** The zero value XAPI gives a field of this type. */
export function zeroOf(type: string): unknown {
  if (type.endsWith(' map')) return {};
  if (type.endsWith(' set')) return [];
  if (type.endsWith(' ref')) return NULL_REF;
  if (type.startsWith('enum ')) return ENUMS[type.slice(5)]?.[0] ?? '';
  switch (type) {
    case 'int':
    case 'float':
      return 0;
    case 'bool':
      return false;
    case 'datetime':
      return '19700101T00:00:00Z';
    default:
      return '';
  }
}

/** Parses a xenapi.json default (`"{}"`, `"false"`, `"Halted"`, `"-1"`, `"OpaqueRef:NULL"`) into a value of `type`. */
export function defaultOf(type: string, dflt: string | undefined): unknown {
  if (dflt === undefined) return zeroOf(type);
  if (type === 'bool') return dflt === 'true';
  if (type === 'int' || type === 'float') return Number(dflt);
  if (type.endsWith(' map')) {
    const out: Record<string, string> = {};
    for (const m of dflt.matchAll(/"([^"]*)"\s*->\s*"([^"]*)"/g)) out[m[1]!] = m[2]!;
    return out;
  }
  if (type.endsWith(' set')) return [...dflt.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
  if (type.endsWith(' ref')) return dflt === 'Null' ? NULL_REF : dflt;
  return dflt.replace(/^"(.*)"$/, '$1');
}

/** A complete record of `cls`: every field of the data model, with `values` over defaults. */
export function newRecord(cls: string, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const fields = FIELDS.get(cls);
  if (!fields) throw new Error(`no class ${cls} in the data model`);
  const rec: Record<string, unknown> = {};
  for (const [name, f] of fields) rec[name] = name in values ? values[name] : defaultOf(f.type, f.dflt);
  for (const k of Object.keys(values)) if (!fields.has(k)) throw new Error(`class ${cls} has no field ${k}`);
  return rec;
}
