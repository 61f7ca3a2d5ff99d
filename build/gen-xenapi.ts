/**
 * `npx tsx build/gen-xenapi.ts [--from <xenapi.json>]`: XAPI's published data model (xapi-project/xen-api
 * doc/data/xenapi.json) → src/drivers/xen/xenapi/subset.json (the classes virtseal uses: fields, messages, enums,
 * without descriptions) → src/drivers/xen/xenapi/types.ts (record interfaces, enum unions, and a typed method table).
 * Without --from, only types.ts is regenerated from the committed subset; the golden test does the same.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SUBSET_PATH = join(ROOT, 'src/drivers/xen/xenapi/subset.json');
export const TYPES_PATH = join(ROOT, 'src/drivers/xen/xenapi/types.ts');

/** Classes the driver and the fake XAPI use. */
export const CLASSES = [
  'session',
  'task',
  'event',
  'pool',
  'host',
  'host_metrics',
  'VM',
  'VM_metrics',
  'VM_guest_metrics',
  'VDI',
  'VBD',
  'VIF',
  'SR',
  'PBD',
  'network',
] as const;

interface RawParam {
  readonly name: string;
  readonly type: string;
}
interface RawMessage {
  readonly name: string;
  readonly params: readonly RawParam[];
  readonly result: readonly string[];
  readonly roles: readonly string[];
  readonly implicit: boolean;
}
interface RawField {
  readonly name: string;
  readonly type: string;
  readonly qualifier: string;
  readonly default?: string;
}
interface RawEnum {
  readonly name: string;
  readonly values: readonly { readonly name: string }[];
}
interface RawClass {
  readonly name: string;
  readonly fields: readonly RawField[];
  readonly messages: readonly RawMessage[];
  readonly enums: readonly RawEnum[];
}

/**
 * Fields newer than the published xenapi.json snapshot, from xen-api's ocaml/idl/datamodel.ml and
 * datamodel_lifecycle.ml. They carry the release that added them; older hosts omit them, so their types are optional.
 */
export const ADDITIONS: readonly {
  readonly cls: string;
  readonly field: readonly [string, string, string, string];
  readonly since: string;
}[] = [
  { cls: 'VM_guest_metrics', field: ['services', '(string -> string) map', 'RO/runtime', '{}'], since: '25.15.0' },
];

export interface SubsetMessage {
  readonly name: string;
  readonly params: readonly [string, string][];
  readonly result: string;
  readonly minRole: string;
  readonly implicit: boolean;
}
/** Fields are [name, type, qualifier, default?]: a default means a create call may leave the field out. */
export interface SubsetClass {
  readonly name: string;
  readonly fields: readonly (readonly [string, string, string, string?, string?])[];
  readonly messages: readonly SubsetMessage[];
}
export interface Subset {
  readonly source: string;
  readonly classes: readonly SubsetClass[];
  readonly enums: Readonly<Record<string, readonly string[]>>;
}

export function makeSubset(all: readonly RawClass[], source: string): Subset {
  const enums: Record<string, string[]> = {};
  for (const c of all) for (const e of c.enums) enums[e.name] ??= e.values.map((v) => v.name);
  const classes = CLASSES.map((name) => {
    const c = all.find((x) => x.name === name);
    if (!c) throw new Error(`xenapi.json has no class ${name}`);
    return {
      name,
      fields: [
        ...c.fields.map((f) =>
          f.default === undefined
            ? ([f.name, f.type, f.qualifier] as const)
            : ([f.name, f.type, f.qualifier, f.default] as const),
        ),
        ...ADDITIONS.filter((a) => a.cls === name && !c.fields.some((f) => f.name === a.field[0])).map(
          (a) => [...a.field, `since ${a.since}`] as const,
        ),
      ],
      messages: c.messages.map((m) => ({
        name: m.name,
        params: m.params.map((p): [string, string] => [p.name, p.type]),
        result: m.result[0]!,
        // Roles are listed from the most to the least privileged; the last is the minimum.
        minRole: m.roles[m.roles.length - 1] ?? 'pool-admin',
        implicit: m.implicit,
      })),
    };
  });
  const used = new Set<string>();
  const visit = (t: string) => {
    for (const m of t.matchAll(/enum (\w+)/g)) used.add(m[1]!);
  };
  for (const c of classes) {
    for (const f of c.fields) visit(f[1]);
    for (const m of c.messages) {
      visit(m.result);
      for (const p of m.params) visit(p[1]);
    }
  }
  return {
    source,
    classes,
    enums: Object.fromEntries(
      Object.entries(enums)
        .filter(([k]) => used.has(k))
        .sort(([a], [b]) => a.localeCompare(b)),
    ),
  };
}

const classNames = new Set<string>(CLASSES);
const recordName = (cls: string) => `${cls.charAt(0).toUpperCase()}${cls.slice(1)}Record`;
const enumName = (e: string) => `Enum_${e}`;

/** A xenapi.json type string as a TypeScript type (JSON-RPC encoding: int and float are numbers, datetime a string). */
export function tsType(t: string): string {
  const map = /^\((.+) -> (.+)\) map$/.exec(t);
  if (map) return `Record<string, ${tsType(map[2]!)}>`;
  const set = /^(.+) set$/.exec(t);
  if (set) return `${wrap(tsType(set[1]!))}[]`;
  const ref = /^(\w+) ref$/.exec(t);
  if (ref) return `Ref<'${ref[1]}'>`;
  const enumType = /^enum (\w+)$/.exec(t);
  if (enumType) return enumName(enumType[1]!);
  const record = /^(\w+) record$/.exec(t);
  if (record) return classNames.has(record[1]!) ? recordName(record[1]!) : 'Record<string, unknown>';
  switch (t) {
    case 'string':
    case 'datetime':
      return 'string';
    case 'int':
    case 'float':
      return 'number';
    case 'bool':
      return 'boolean';
    case 'void':
      return "''";
    case 'an event batch':
      return 'EventBatch';
    default:
      return 'unknown';
  }
}
const RESERVED = new Set([
  'function',
  'class',
  'default',
  'new',
  'delete',
  'in',
  'enum',
  'public',
  'interface',
  'private',
  'package',
  'protected',
  'static',
  'let',
  'yield',
  'implements',
]);
const wrap = (t: string) => (/^[\w<>', ]+$/.test(t) && !t.includes('|') ? t : `(${t})`);

export function renderTypes(subset: Subset, subsetText: string): string {
  const sha = createHash('sha256').update(subsetText).digest('hex').slice(0, 16);
  const out: string[] = [
    `// generated — do not edit. Source: ${subset.source} via src/drivers/xen/xenapi/subset.json (sha256 ${sha});`,
    '// regenerate with `npx tsx build/gen-xenapi.ts`.',
    '/* eslint-disable */',
    '',
    '/** An opaque XAPI reference (`OpaqueRef:…`), valid only within the session that returned it. */',
    'export type Ref<C extends string> = string & { readonly __xapiClass?: C };',
    '',
    "export interface XapiEvent { readonly id: string | number; readonly timestamp?: string; readonly class: string; readonly operation: 'add' | 'mod' | 'del'; readonly ref: string; readonly snapshot?: unknown }",
    'export interface EventBatch { readonly events: readonly XapiEvent[]; readonly token: string; readonly valid_ref_counts: Readonly<Record<string, number>> }',
    '',
  ];
  for (const [name, values] of Object.entries(subset.enums))
    out.push(`export type ${enumName(name)} = ${values.map((v) => `'${v}'`).join(' | ')};`);
  out.push('');
  for (const c of subset.classes) {
    if (!c.fields.length) continue;
    out.push(`export interface ${recordName(c.name)} {`);
    for (const [f, t, , , since] of c.fields)
      out.push(`  readonly ${f}${since ? '?' : ''}: ${tsType(t)};${since ? ` // ${since}` : ''}`);
    out.push('}', '');
    // What `<class>.create` takes: the fields a caller may set; those with a default may be left out.
    const settable = c.fields.filter(([, , q]) => q === 'RW' || q === 'RO/constructor');
    if (c.messages.some((m) => m.name === 'create' && m.params.some(([, t]) => t === `${c.name} record`))) {
      out.push(`export interface ${c.name.charAt(0).toUpperCase()}${c.name.slice(1)}CreateArgs {`);
      for (const [f, t, , d] of settable) out.push(`  readonly ${f}${d === undefined ? '' : '?'}: ${tsType(t)};`);
      out.push('}', '');
    }
  }
  out.push(
    '/** Every method of the classes above: arguments after the session, and the result. */',
    'export interface XapiMethods {',
  );
  for (const c of subset.classes) {
    for (const m of c.messages) {
      const params =
        m.params[0]?.[1] === 'session ref' && m.params[0][0] === 'session_id' ? m.params.slice(1) : m.params;
      const argType = (t: string) =>
        m.name === 'create' && t === `${c.name} record`
          ? `${c.name.charAt(0).toUpperCase()}${c.name.slice(1)}CreateArgs`
          : tsType(t);
      const args = params.map(([n, t]) => `${RESERVED.has(n) ? `${n}_` : n}: ${argType(t)}`).join(', ');
      out.push(`  '${c.name}.${m.name}': (${args}) => ${tsType(m.result)};`);
    }
  }
  out.push('}', '', 'export type XapiMethod = keyof XapiMethods;', '');
  return out.join('\n');
}

/** One class field list or message per line, so a regenerated subset diffs readably. */
export function formatSubset(subset: Subset): string {
  const lines = ['{', ` "source": ${JSON.stringify(subset.source)},`, ' "enums": {'];
  const enums = Object.entries(subset.enums);
  for (const [i, [k, v]] of enums.entries()) {
    lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify(v)}${i < enums.length - 1 ? ',' : ''}`);
  }
  lines.push(' },', ' "classes": [');
  subset.classes.forEach((c, ci) => {
    lines.push(
      `  {"name": ${JSON.stringify(c.name)},`,
      `   "fields": ${JSON.stringify(c.fields)},`,
      '   "messages": [',
    );
    for (const [i, m] of c.messages.entries())
      lines.push(`    ${JSON.stringify(m)}${i < c.messages.length - 1 ? ',' : ''}`);
    lines.push(`  ]}${ci < subset.classes.length - 1 ? ',' : ''}`);
  });
  lines.push(' ]', '}', '');
  return lines.join('\n');
}

function main(): void {
  const from = process.argv.indexOf('--from');
  if (from > 0) {
    const path = process.argv[from + 1]!;
    const text = readFileSync(path, 'utf8');
    const label = process.argv[process.argv.indexOf('--label') + 1] ?? 'xenapi.json';
    const subset = makeSubset(JSON.parse(text) as RawClass[], label);
    writeFileSync(SUBSET_PATH, formatSubset(subset));
  }
  const subsetText = readFileSync(SUBSET_PATH, 'utf8');
  writeFileSync(TYPES_PATH, renderTypes(JSON.parse(subsetText) as Subset, subsetText));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
