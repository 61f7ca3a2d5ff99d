import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { InvalidArgument } from '../core/errors';
import { mappingSchema } from './mapping-schema';
import { type Action, INTEGER_VARS, SECRET_VARS } from './survey-vars';

export type VarValue = string | number | boolean | { readonly from_env: string };
export type VarMap = Readonly<Record<string, VarValue>>;
export type RuleAction = Action | 'ignore';
export const HYPERVISORS = ['hyperv', 'libvirt', 'xen'] as const;
export type Hypervisor = (typeof HYPERVISORS)[number];

export interface MappingRule {
  readonly event: 'created' | 'updated' | 'deleted';
  /** Status before the change (updates, deletes); absent = any. */
  readonly from?: readonly string[];
  /** Status after the change (creates, updates) or at deletion; absent = any. */
  readonly to?: readonly string[];
  readonly action: RuleAction;
  readonly extra_vars?: VarMap;
}

export interface Target {
  readonly job_template?: number | string;
  readonly playbook: string;
}

export interface Mapping {
  readonly version: 1;
  /** Name of the NetBox instance, recorded on each VM as its owner `<instance>/vm/<id>`. Default `netbox`. */
  readonly instance: string;
  readonly netbox_version?: string;
  readonly disk_unit: 'auto' | 'gb' | 'mb';
  readonly filters: {
    readonly require_tags: readonly string[];
    readonly clusters: readonly string[];
    readonly ignore_users: readonly string[];
  };
  readonly targets: Readonly<Record<Action, Target>>;
  readonly rules: readonly MappingRule[];
  readonly defaults: VarMap;
  readonly cluster_hosts: Readonly<Record<string, string>>;
  /** NetBox cluster name → vm_hypervisor, for sites whose clusters run different hypervisors (a Xen pool, say). */
  readonly cluster_hypervisors: Readonly<Record<string, Hypervisor>>;
  readonly platform_images: Readonly<Record<string, string>>;
  readonly image_custom_field?: string;
  readonly custom_fields: Readonly<Record<string, string>>;
  readonly write_back: { readonly journal: boolean; readonly status_on_failure?: string };
}

/**
 * The lifecycle NetBox users expect: a plan costs nothing; staging builds the VM powered off; active runs it;
 * offline stops it; deleting the object deletes the VM (unless it was only ever planned).
 */
export const DEFAULT_RULES: readonly MappingRule[] = [
  { event: 'created', to: ['staged', 'offline'], action: 'create', extra_vars: { vm_start: 'no' } },
  { event: 'created', to: ['active'], action: 'create', extra_vars: { vm_start: 'yes' } },
  { event: 'updated', from: ['planned'], to: ['staged', 'offline'], action: 'create', extra_vars: { vm_start: 'no' } },
  { event: 'updated', from: ['planned'], to: ['active'], action: 'create', extra_vars: { vm_start: 'yes' } },
  { event: 'updated', from: ['staged', 'offline', 'paused', 'failed'], to: ['active'], action: 'start' },
  { event: 'updated', from: ['active', 'paused'], to: ['offline', 'decommissioning'], action: 'stop' },
  { event: 'deleted', to: ['staged', 'active', 'offline', 'paused', 'failed', 'decommissioning'], action: 'delete' },
];

export const DEFAULT_MAPPING: Mapping = {
  version: 1,
  instance: 'netbox',
  disk_unit: 'auto',
  filters: { require_tags: [], clusters: [], ignore_users: [] },
  // The job template names docs/awx.md sets up.
  targets: {
    create: { job_template: 'virtseal: create VM', playbook: 'playbooks/create.yml' },
    start: { job_template: 'virtseal: start VM', playbook: 'playbooks/start.yml' },
    stop: { job_template: 'virtseal: stop VM', playbook: 'playbooks/stop.yml' },
    delete: { job_template: 'virtseal: delete VM', playbook: 'playbooks/delete.yml' },
  },
  rules: DEFAULT_RULES,
  defaults: { vm_hypervisor: 'hyperv' },
  cluster_hosts: {},
  cluster_hypervisors: {},
  platform_images: {},
  custom_fields: {},
  write_back: { journal: true },
};

let validator: ReturnType<Ajv['compile']> | undefined;

function describe(error: ErrorObject): { key: string; message: string } {
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const at = (extra: string) => (path ? `${path}.${extra}` : extra);
  // propertyNames failures come first as the inner keyword's error, with the offending name beside it.
  if (error.propertyName !== undefined) {
    return { key: at(error.propertyName), message: 'is not a survey variable of the virtseal playbooks' };
  }
  switch (error.keyword) {
    case 'additionalProperties':
      return { key: at(String(error.params.additionalProperty)), message: 'is not a known key' };
    case 'required':
      return { key: at(String(error.params.missingProperty)), message: 'is required' };
    case 'enum':
      return {
        key: path || '(root)',
        message: `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`,
      };
    default:
      return { key: path || '(root)', message: error.message ?? 'is invalid' };
  }
}

/** Validate a parsed mapping document and merge it over the defaults; throws InvalidArgument naming the bad key. */
export function buildMapping(doc: unknown, source = 'mapping'): Mapping {
  if (doc === null || doc === undefined) doc = {};
  validator ??= new Ajv({ allErrors: false, strict: false }).compile(mappingSchema);
  if (!validator(doc)) {
    const errors = validator.errors ?? [];
    const { key, message } = describe(errors[0]!);
    throw new InvalidArgument(`${source}: ${key} ${message}`, key);
  }
  const d = doc as Partial<Mapping> & {
    filters?: Partial<Mapping['filters']>;
    targets?: Partial<Record<Action, Partial<Target>>>;
  };
  const targets = Object.fromEntries(
    (Object.keys(DEFAULT_MAPPING.targets) as Action[]).map((a) => [
      a,
      { ...DEFAULT_MAPPING.targets[a], ...d.targets?.[a] },
    ]),
  ) as Record<Action, Target>;
  const mapping: Mapping = {
    ...DEFAULT_MAPPING,
    ...d,
    version: 1,
    filters: { ...DEFAULT_MAPPING.filters, ...d.filters },
    targets,
    defaults: { ...DEFAULT_MAPPING.defaults, ...d.defaults },
    write_back: { ...DEFAULT_MAPPING.write_back, ...d.write_back },
  };
  // A NetBox field is readable by NetBox users, kept in its changelog, sent in every webhook body and stored in the
  // queue: a secret answer may come only from the bridge's environment.
  for (const [variable, field] of Object.entries(mapping.custom_fields)) {
    if (SECRET_VARS.includes(variable)) {
      throw new InvalidArgument(
        `${source}: custom_fields.${variable} routes NetBox field ${field} into a secret; give it in defaults as {from_env: NAME}`,
        `custom_fields.${variable}`,
      );
    }
  }
  const varMaps: [string, VarMap][] = [['defaults', mapping.defaults]];
  for (const [i, r] of mapping.rules.entries()) if (r.extra_vars) varMaps.push([`rules.${i}.extra_vars`, r.extra_vars]);
  for (const [where, vars] of varMaps) {
    for (const [name, value] of Object.entries(vars)) {
      const isRef = typeof value === 'object';
      if (SECRET_VARS.includes(name) && !isRef) {
        throw new InvalidArgument(
          `${source}: ${where}.${name} is a secret: give it as {from_env: NAME}, not inline`,
          `${where}.${name}`,
        );
      }
      if (INTEGER_VARS.includes(name) && !isRef && !Number.isInteger(value)) {
        throw new InvalidArgument(`${source}: ${where}.${name} must be an integer`, `${where}.${name}`);
      }
    }
  }
  return mapping;
}

export function loadMapping(path: string | undefined): Mapping {
  if (path === undefined) return buildMapping({});
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidArgument(`--mapping: cannot read ${path}: ${(error as Error).message}`, 'mapping', {
      cause: error,
    });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new InvalidArgument(`--mapping: ${path} is not valid YAML: ${(error as Error).message}`, 'mapping', {
      cause: error,
    });
  }
  return buildMapping(doc, path);
}
