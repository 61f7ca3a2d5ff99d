/**
 * Module schemas: JSON Schema draft-07 with virtseal's `x-*` keywords. `resolveSchema` inlines every `$ref` to
 * `fragments/<name>.schema.json` (and `#/definitions/...` inside a fragment) so validation, docs, types and surveys
 * all read one self-contained tree.
 */
import { fragments as generatedFragments } from '../generated/fragments';

export type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'null';

/** The subset of JSON Schema (plus `x-*` keywords) virtseal's tooling reads. Other keywords pass through to ajv. */
export interface OptionSchema {
  readonly type?: JsonType | readonly JsonType[];
  readonly description?: string | readonly string[];
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly items?: OptionSchema;
  readonly properties?: Readonly<Record<string, OptionSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | OptionSchema;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly $ref?: string;
  readonly 'x-no-log'?: boolean;
  readonly 'x-ansible-type'?: 'path' | 'raw';
  readonly 'x-aliases'?: readonly string[];
  readonly 'x-survey'?: Readonly<Record<string, unknown>>;
  readonly 'x-mutually-exclusive'?: readonly (readonly string[])[];
  readonly 'x-required-together'?: readonly (readonly string[])[];
  /** Environment variables the option falls back to when not given (ansible's env_fallback), first set one wins. */
  readonly 'x-env-fallback'?: readonly string[];
  readonly 'x-module'?: ModuleDocInfo;
  readonly [keyword: string]: unknown;
}

export interface ModuleDocInfo {
  readonly short_description?: string;
  readonly description?: string | readonly string[];
  readonly version_added?: string;
  readonly examples?: string;
  readonly return?: Readonly<Record<string, unknown>>;
  readonly notes?: readonly string[];
}

export type AnsibleType = 'str' | 'int' | 'float' | 'bool' | 'list' | 'dict' | 'path' | 'raw';

const FRAGMENT_REF = /^(?:\.\/)?fragments\/([a-z0-9_.-]+?)\.schema\.json(?:#(.*))?$/i;

function pointer(root: unknown, fragment: string, ref: string): unknown {
  let node = root;
  for (const raw of fragment.split('/').filter((p) => p !== '')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) throw new Error(`unresolvable $ref ${ref}`);
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * A module schema's `"x-fragments": ["connection"]` takes every definition of those fragments as an option, except
 * the options the module declares itself: the fragment is named once per schema, and a definition added to it
 * reaches every module that takes it.
 */
export function expandFragments(
  schema: object,
  fragments: Readonly<Record<string, object>> = generatedFragments,
): object {
  const { 'x-fragments': names, ...rest } = schema as {
    'x-fragments'?: readonly string[];
    properties?: Record<string, unknown>;
  };
  if (!names?.length) return schema;
  const properties: Record<string, unknown> = { ...rest.properties };
  for (const name of names) {
    const fragment = fragments[name] as { definitions?: Record<string, unknown> } | undefined;
    if (!fragment?.definitions)
      throw new Error(`x-fragments: no fragment "${name}" with definitions (run npm run generate)`);
    for (const option of Object.keys(fragment.definitions)) {
      properties[option] ??= { $ref: `fragments/${name}.schema.json#/definitions/${option}` };
    }
  }
  return { ...rest, properties };
}

/**
 * Returns a copy of `schema` with its `x-fragments` expanded and every `$ref` inlined. `fragments` maps a fragment name (file name without
 * `.schema.json`) to its schema; by default the generated registry of src/schemas/fragments.
 */
export function resolveSchema(
  schema: object,
  fragments: Readonly<Record<string, object>> = generatedFragments,
): OptionSchema {
  schema = expandFragments(schema, fragments);
  const walk = (node: unknown, root: unknown, depth: number): unknown => {
    if (depth > 64) throw new Error('$ref nesting deeper than 64: recursive schema?');
    if (Array.isArray(node)) return node.map((n) => walk(n, root, depth));
    if (node === null || typeof node !== 'object') return node;
    const obj = node as Record<string, unknown>;
    if (typeof obj.$ref === 'string') {
      const ref = obj.$ref;
      const { $ref: _ignored, ...siblings } = obj;
      let target: unknown;
      let targetRoot: unknown;
      const m = FRAGMENT_REF.exec(ref);
      if (m) {
        const fragment = fragments[m[1]!];
        if (!fragment)
          throw new Error(
            `$ref ${ref}: no fragment "${m[1]}" (is src/generated/fragments.ts up to date? run npm run generate)`,
          );
        targetRoot = fragment;
        target = pointer(fragment, m[2] ?? '', ref);
      } else if (ref.startsWith('#')) {
        targetRoot = root;
        target = pointer(root, ref.slice(1), ref);
      } else {
        throw new Error(`$ref ${ref}: only fragments/<name>.schema.json and #/... references are supported`);
      }
      const resolved = walk(target, targetRoot, depth + 1) as Record<string, unknown>;
      // Keywords beside $ref (description, default) refine the referenced schema.
      return { ...resolved, ...(walk(siblings, root, depth) as Record<string, unknown>) };
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (k === 'definitions' || k === '$schema' || k === '$id') continue;
      out[k] = walk(v, root, depth);
    }
    return out;
  };
  return walk(schema, schema, 0) as OptionSchema;
}

export function primaryType(schema: OptionSchema): JsonType | undefined {
  if (Array.isArray(schema.type)) return (schema.type as JsonType[]).find((t) => t !== 'null');
  return schema.type as JsonType | undefined;
}

/** The ansible option type of a schema node (`x-ansible-type` wins over the JSON type). */
export function ansibleType(schema: OptionSchema): AnsibleType {
  if (schema['x-ansible-type']) return schema['x-ansible-type'];
  switch (primaryType(schema)) {
    case 'string':
      return 'str';
    case 'integer':
      return 'int';
    case 'number':
      return 'float';
    case 'boolean':
      return 'bool';
    case 'array':
      return 'list';
    case 'object':
      return 'dict';
    default:
      return 'raw';
  }
}

export function descriptionLines(schema: OptionSchema): string[] {
  const d = schema.description;
  if (d === undefined) return [];
  return typeof d === 'string' ? [d] : [...d];
}

/** Option names and their aliases at one level of a schema. */
export function aliasMap(schema: OptionSchema): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    for (const alias of prop['x-aliases'] ?? []) map.set(alias, name);
  }
  return map;
}

/** Renders an option path the way messages show it: `disks[0].size_gb`. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}
