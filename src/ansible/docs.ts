/**
 * ansible-doc documentation from a module schema. ansible-core 2.14 reads a sidecar `<module>.yml` next to a
 * non-Python module, with top-level DOCUMENTATION (mapping), EXAMPLES (string) and RETURN (mapping).
 */
import { stringify } from 'yaml';
import { ansibleType, descriptionLines, primaryType, type OptionSchema } from './schema';

export interface ModuleDocs {
  readonly DOCUMENTATION: Record<string, unknown>;
  readonly EXAMPLES: string;
  readonly RETURN: Record<string, unknown>;
}

export const COLLECTION = 'virtseal.core';

function optionDoc(schema: OptionSchema, required: boolean): Record<string, unknown> {
  const type = ansibleType(schema);
  const doc: Record<string, unknown> = { description: descriptionLines(schema), type };
  if (required) doc.required = true;
  if (schema.default !== undefined && !(Array.isArray(schema.default) && schema.default.length === 0)) doc.default = schema.default;
  if (schema.enum) doc.choices = [...schema.enum];
  if (schema['x-aliases']?.length) doc.aliases = [...schema['x-aliases']];
  const range: string[] = [];
  if (schema.minimum !== undefined) range.push(`at least ${schema.minimum}`);
  if (schema.maximum !== undefined) range.push(`at most ${schema.maximum}`);
  if (schema.minLength !== undefined && schema.minLength > 0) range.push(`at least ${schema.minLength} character${schema.minLength === 1 ? "" : "s"}`);
  if (schema.maxLength !== undefined) range.push(`at most ${schema.maxLength} characters`);
  if (range.length > 0) (doc.description as string[]).push(`Must be ${range.join(' and ')}.`);
  if (schema['x-no-log']) (doc.description as string[]).push('This value is secret: it is never logged or returned.');
  if (type === 'list' && schema.items) {
    const items = schema.items;
    doc.elements = ansibleType(items);
    if (items.enum) doc.choices = [...items.enum];
    if (primaryType(items) === 'object' && items.properties) doc.suboptions = optionsDoc(items);
  } else if (type === 'dict' && schema.properties) {
    doc.suboptions = optionsDoc(schema);
  }
  return doc;
}

function optionsDoc(schema: OptionSchema): Record<string, unknown> {
  const required = new Set(schema.required ?? []);
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(schema.properties ?? {}).sort()) {
    out[name] = optionDoc(schema.properties![name]!, required.has(name));
  }
  return out;
}

export function moduleDocs(name: string, schema: OptionSchema): ModuleDocs {
  const info = schema['x-module'] ?? {};
  const description = info.description === undefined ? descriptionLines(schema) : typeof info.description === 'string' ? [info.description] : [...info.description];
  const documentation: Record<string, unknown> = {
    module: name,
    short_description: info.short_description ?? descriptionLines(schema)[0] ?? name,
    version_added: info.version_added ?? '0.1.0',
    description,
    author: ['virtseal maintainers'],
    requirements: ['Node.js >= 20 on the target host'],
    options: optionsDoc(schema),
    attributes: {
      check_mode: { support: 'full', description: 'Can run in check mode and return changed status prediction without modifying target.' },
      diff_mode: { support: 'full', description: 'Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.' },
    },
  };
  if (info.notes?.length) documentation.notes = [...info.notes];
  return { DOCUMENTATION: documentation, EXAMPLES: info.examples ?? '', RETURN: { ...(info.return ?? {}) } };
}

export const GENERATED_YAML_HEADER = '# generated — do not edit. Source: src/schemas/%s.schema.json; regenerate with `npm run generate`.\n';

/** The sidecar YAML text (`collection/plugins/modules/<module>.yml`). */
export function renderDocsYaml(name: string, schema: OptionSchema): string {
  const docs = moduleDocs(name, schema);
  // ansible-doc reads the sidecar with PyYAML (YAML 1.1): on/off/yes/no must be quoted or they become booleans.
  return GENERATED_YAML_HEADER.replace('%s', name) + stringify(docs, { lineWidth: 0, version: '1.1' });
}
