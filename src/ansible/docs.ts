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
  if (schema.default !== undefined && !(Array.isArray(schema.default) && schema.default.length === 0))
    doc.default = schema.default;
  if (schema.enum) doc.choices = [...schema.enum];
  if (schema['x-aliases']?.length) doc.aliases = [...schema['x-aliases']];
  const range: string[] = [];
  if (schema.minimum !== undefined) range.push(`at least ${schema.minimum}`);
  if (schema.maximum !== undefined) range.push(`at most ${schema.maximum}`);
  if (schema.minLength !== undefined && schema.minLength > 0)
    range.push(`at least ${schema.minLength} character${schema.minLength === 1 ? '' : 's'}`);
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

/** Modules that only read: check mode is trivially supported and diff mode does not apply. */
const INFO_MODULES = new Set(['vm_info', 'host_info', 'vm_console']);

/** Related modules each page links to. */
const SEE_ALSO: Readonly<Record<string, readonly string[]>> = {
  vm: ['image', 'guest_config', 'disk', 'nic', 'vm_info'],
  vm_info: ['vm', 'host_info', 'vm_console'],
  vm_console: ['vm_info', 'vm'],
  host_info: ['vm_info', 'image'],
  image: ['vm', 'host_info'],
  guest_config: ['vm', 'vm_info'],
  disk: ['vm', 'vm_info'],
  nic: ['vm', 'vm_info'],
  checkpoint: ['vm', 'vm_info'],
  ping: ['host_info'],
};

/** Keys every failed result carries (src/ansible/runner.ts), documented on every module. */
const FAILURE_RETURN: Readonly<Record<string, unknown>> = {
  msg: {
    description: 'What happened, one line. On failure it names the option or the step that failed.',
    returned: 'on failure, and when there is something to say',
    type: 'str',
  },
  reason: {
    description:
      'Stable reason code of a failure, for automation (invalid_argument, not_found, host_unreachable, auth_failed, conflict, guest_failed, guest_timeout, internal_error, ...).',
    returned: 'on failure',
    type: 'str',
    sample: 'invalid_argument',
  },
  option: {
    description: 'The option (dotted path) a bad argument was given for.',
    returned: 'when an argument was invalid',
    type: 'str',
    sample: 'disks[0].size_gb',
  },
  details: {
    description: 'Machine-readable details of a failure, such as C(failed_step) and C(undone) (what was rolled back).',
    returned: 'on failure, when there are details',
    type: 'dict',
  },
};

export function moduleDocs(name: string, schema: OptionSchema): ModuleDocs {
  const info = schema['x-module'] ?? {};
  const description =
    info.description === undefined
      ? descriptionLines(schema)
      : typeof info.description === 'string'
        ? [info.description]
        : [...info.description];
  const documentation: Record<string, unknown> = {
    module: name,
    short_description: info.short_description ?? descriptionLines(schema)[0] ?? name,
    version_added: info.version_added ?? '0.1.0',
    description,
    author: ['virtseal maintainers'],
    requirements: [
      'Node.js 20 or later where the module runs: the Ansible controller for tasks on localhost, or the AWX execution environment. Nothing is installed on the hypervisor host.',
    ],
    options: optionsDoc(schema),
    attributes: {
      check_mode: {
        support: 'full',
        description: 'Can run in check mode and return changed status prediction without modifying target.',
      },
      diff_mode: INFO_MODULES.has(name)
        ? { support: 'N/A', description: 'This module only reads; it never changes anything, so there is no diff.' }
        : {
            support: 'full',
            description:
              'Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.',
          },
      action_group: {
        support: 'full',
        membership: [`${COLLECTION}.all`],
        description: `Use C(group/${COLLECTION}.all) in C(module_defaults) to set defaults (such as the host) for this module.`,
      },
      platform: {
        support: 'full',
        platforms: 'posix',
        description: 'Runs wherever Node.js runs the module, usually localhost.',
      },
    },
  };
  if (info.notes?.length) documentation.notes = [...info.notes];
  const related = SEE_ALSO[name];
  if (related?.length) documentation.seealso = related.map((m) => ({ module: `${COLLECTION}.${m}` }));
  const changes = INFO_MODULES.has(name)
    ? {
        changes: {
          description: 'Always empty: this module only reads.',
          returned: 'always',
          type: 'list',
          elements: 'str',
          sample: [],
        },
      }
    : {};
  return {
    DOCUMENTATION: documentation,
    EXAMPLES: info.examples ?? '',
    RETURN: { ...FAILURE_RETURN, ...changes, ...(info.return ?? {}) },
  };
}

export const GENERATED_YAML_HEADER =
  '# generated — do not edit. Source: src/schemas/%s.schema.json; regenerate with `npm run generate`.\n';

/** The sidecar YAML text (`collection/plugins/modules/<module>.yml`). */
export function renderDocsYaml(name: string, schema: OptionSchema): string {
  const docs = moduleDocs(name, schema);
  // ansible-doc reads the sidecar with PyYAML (YAML 1.1): on/off/yes/no must be quoted or they become booleans.
  return GENERATED_YAML_HEADER.replace('%s', name) + stringify(docs, { lineWidth: 0, version: '1.1' });
}
