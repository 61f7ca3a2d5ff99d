/**
 * An ansible-core `argument_spec` generated from a module schema: what an AnsibleModule written in Python would
 * declare for the same options. The differential test hands it to ansible-core's ArgumentSpecValidator; env
 * fallbacks are written as `{"env_fallback": [...]}` and turned into `(env_fallback, [...])` on the Python side.
 * Constraints ansible cannot express (ranges, lengths, patterns, formats) are left to the JSON Schema layer.
 */
import { ansibleType, type OptionSchema } from './schema';

export interface ArgSpecOption {
  type: string;
  required?: boolean;
  default?: unknown;
  choices?: unknown[];
  aliases?: string[];
  no_log?: boolean;
  elements?: string;
  options?: Record<string, ArgSpecOption>;
  mutually_exclusive?: string[][];
  required_together?: string[][];
  fallback?: { env_fallback: string[] };
}

export interface ArgumentSpec {
  argument_spec: Record<string, ArgSpecOption>;
  mutually_exclusive?: string[][];
  required_together?: string[][];
}

function optionSpec(schema: OptionSchema, required: boolean): ArgSpecOption {
  const type = ansibleType(schema);
  const spec: ArgSpecOption = { type };
  if (required) spec.required = true;
  if (schema.default !== undefined && schema.default !== null) spec.default = structuredClone(schema.default);
  if (schema.enum) spec.choices = [...schema.enum];
  if (schema['x-aliases']?.length) spec.aliases = [...schema['x-aliases']];
  if (schema['x-no-log']) spec.no_log = true;
  if (schema['x-env-fallback']?.length) spec.fallback = { env_fallback: [...schema['x-env-fallback']] };
  let sub: OptionSchema | undefined;
  if (type === 'list' && schema.items) {
    spec.elements = ansibleType(schema.items);
    if (schema.items.enum) spec.choices = [...schema.items.enum];
    if (spec.elements === 'dict' && schema.items.properties) sub = schema.items;
  } else if (type === 'dict' && schema.properties) {
    sub = schema;
  }
  if (sub) {
    spec.options = optionsSpec(sub);
    if (sub['x-mutually-exclusive']?.length) spec.mutually_exclusive = sub['x-mutually-exclusive'].map((g) => [...g]);
    if (sub['x-required-together']?.length) spec.required_together = sub['x-required-together'].map((g) => [...g]);
  }
  return spec;
}

function optionsSpec(schema: OptionSchema): Record<string, ArgSpecOption> {
  const required = new Set(schema.required ?? []);
  const out: Record<string, ArgSpecOption> = {};
  for (const [name, prop] of Object.entries(schema.properties ?? {}))
    out[name] = optionSpec(prop, required.has(name) && prop.default === undefined);
  return out;
}

/** The argument_spec (and module-level groups) of a resolved module schema. */
export function argumentSpec(schema: OptionSchema): ArgumentSpec {
  const out: ArgumentSpec = { argument_spec: optionsSpec(schema) };
  if (schema['x-mutually-exclusive']?.length)
    out.mutually_exclusive = schema['x-mutually-exclusive'].map((g) => [...g]);
  if (schema['x-required-together']?.length) out.required_together = schema['x-required-together'].map((g) => [...g]);
  return out;
}
