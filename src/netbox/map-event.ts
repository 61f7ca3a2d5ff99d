import type { Mapping, MappingRule, VarMap, VarValue } from './mapping';
import { type NetboxEvent, statusTransition } from './payload';
import { requiredDefaults } from './survey-defaults';
import { checkAnswer } from './survey-rules';
import { type Action, ACTION_VARS, INTEGER_VARS, OWNER_VAR } from './survey-vars';

export const VM_OBJECT_TYPE = 'virtualization.virtualmachine';

/** What an event asks for: a launch (stored and dispatched) or nothing, with the reason. */
export type Decision =
  | { readonly kind: 'launch'; readonly plan: LaunchPlan }
  | { readonly kind: 'ignore'; readonly reason: string };

export interface LaunchPlan {
  readonly action: Action;
  readonly vmName: string;
  /** NetBox object id of the VM, for write-back. */
  readonly objectId: number | null;
  readonly jobTemplate?: number | string;
  readonly playbook: string;
  /** Survey answers; `{from_env}` references are resolved only at launch and never stored resolved. */
  readonly extraVars: VarMap;
}

/** The VM lacks something the playbook needs; the HTTP answer is 422 naming it. */
export class MappingError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

type Rec = Readonly<Record<string, unknown>>;
const rec = (v: unknown): Rec | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function num(v: unknown, field: string): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < 0)
    throw new MappingError(`data.${field} is not a non-negative number`, `data.${field}`);
  return n;
}

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map((p) => parseInt(p, 10));
  return a > major || (a === major && b >= minor);
}

/** Disk unit when the payload does not tell: by the configured version, else MB (current NetBox). */
export function configuredDiskMb(mapping: Mapping): boolean {
  if (mapping.disk_unit !== 'auto') return mapping.disk_unit === 'mb';
  return mapping.netbox_version ? versionAtLeast(mapping.netbox_version, 4, 1) : true;
}

/**
 * NetBox reports disk in GB up to 4.0 and in MB from 4.1. Without a configured version the payload tells: 4.1 added
 * `display_url` to the VM serializer, and `object_type` payloads are always 4.4 or later.
 */
export function diskUnit(mapping: Mapping, ev: NetboxEvent): 'gb' | 'mb' {
  if (mapping.disk_unit !== 'auto') return mapping.disk_unit;
  if (mapping.netbox_version) return versionAtLeast(mapping.netbox_version, 4, 1) ? 'mb' : 'gb';
  return ev.typeKey === 'object_type' || 'display_url' in ev.data ? 'mb' : 'gb';
}

function tagNames(data: Rec): string[] {
  const tags = Array.isArray(data.tags) ? data.tags : [];
  return tags
    .map((t) => (typeof t === 'string' ? t : (str(rec(t)?.slug) ?? str(rec(t)?.name) ?? '')))
    .filter((t) => t !== '');
}

function ruleMatches(rule: MappingRule, ev: NetboxEvent, from: string | undefined, to: string | undefined): boolean {
  if (rule.event !== ev.event) return false;
  if (rule.from && (from === undefined || !rule.from.includes(from))) return false;
  if (rule.to && (to === undefined || !rule.to.includes(to))) return false;
  return true;
}

/** Survey answers taken from the VM itself, before defaults and rule extras are layered around them. */
export function vmVars(mapping: Mapping, ev: NetboxEvent, action: Action): Record<string, VarValue> {
  const d = ev.data;
  const out: Record<string, VarValue> = {};
  const name = str(d.name);
  if (name === undefined) throw new MappingError('data.name is missing: the VM has no name', 'data.name');
  out.vm_name = name;
  const cluster = str(rec(d.cluster)?.name);
  if (cluster !== undefined) out.vm_host = mapping.cluster_hosts[cluster] ?? cluster;
  const hypervisor = cluster !== undefined ? mapping.cluster_hypervisors[cluster] : undefined;
  if (hypervisor !== undefined) out.vm_hypervisor = hypervisor;
  const cf = rec(d.custom_fields) ?? {};
  if (action === 'create') {
    const platform = rec(d.platform);
    const slug = str(platform?.slug) ?? str(platform?.name);
    const fromCf = mapping.image_custom_field ? str(cf[mapping.image_custom_field]) : undefined;
    const image = fromCf ?? (slug !== undefined ? (mapping.platform_images[slug] ?? slug) : undefined);
    if (image !== undefined) out.vm_image = image;
    const vcpus = num(d.vcpus, 'vcpus');
    if (vcpus !== undefined) out.vm_cpu_count = Math.max(1, Math.ceil(vcpus));
    const memory = num(d.memory, 'memory');
    if (memory !== undefined) out.vm_memory_mb = Math.round(memory);
    const disk = num(d.disk, 'disk');
    if (disk !== undefined) out.vm_disk_gb = diskUnit(mapping, ev) === 'mb' ? Math.ceil(disk / 1024) : Math.round(disk);
    const ip4 = str(rec(d.primary_ip4)?.address);
    if (ip4 !== undefined) out.vm_ipv4_address = ip4;
    const ip6 = str(rec(d.primary_ip6)?.address);
    if (ip6 !== undefined) out.vm_ipv6_address = ip6;
    const tags = tagNames(d);
    if (tags.length > 0) out.vm_tags = tags.join(',');
  }
  for (const [variable, field] of Object.entries(mapping.custom_fields)) {
    const value = cf[field];
    // AWX refuses "12" for an integer question: a numeric text custom field is sent as a number.
    if (typeof value === 'string' && value !== '')
      out[variable] = INTEGER_VARS.includes(variable) && /^\d+$/.test(value) ? Number(value) : value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[variable] = value;
  }
  if (action === 'delete') out.vm_delete_confirm = name;
  return out;
}

/** The first rule matching the event's kind and status transition (filters aside). */
export function matchRule(mapping: Mapping, ev: NetboxEvent): MappingRule | undefined {
  const { from, to } = statusTransition(ev);
  return mapping.rules.find((r) => ruleMatches(r, ev, from, to));
}

export function decide(mapping: Mapping, ev: NetboxEvent): Decision {
  if (ev.objectType !== VM_OBJECT_TYPE)
    return { kind: 'ignore', reason: `object type ${ev.objectType} is not handled` };
  if (mapping.filters.ignore_users.includes(ev.username)) {
    return { kind: 'ignore', reason: `changes by ${ev.username} are ignored (filters.ignore_users)` };
  }
  const tags = tagNames(ev.data);
  const missing = mapping.filters.require_tags.filter((t) => !tags.includes(t));
  if (missing.length > 0) return { kind: 'ignore', reason: `VM lacks required tag(s) ${missing.join(', ')}` };
  const cluster = str(rec(ev.data.cluster)?.name);
  if (mapping.filters.clusters.length > 0 && (cluster === undefined || !mapping.filters.clusters.includes(cluster))) {
    return { kind: 'ignore', reason: `cluster ${cluster ?? '(none)'} is not in filters.clusters` };
  }
  const { from, to } = statusTransition(ev);
  if (ev.event === 'updated' && from !== undefined && from === to) {
    return { kind: 'ignore', reason: `status unchanged (${to})` };
  }
  const rule = matchRule(mapping, ev);
  if (!rule || rule.action === 'ignore') {
    return { kind: 'ignore', reason: `no rule for ${ev.event} ${from ?? '-'} → ${to ?? '-'}` };
  }
  const action = rule.action;
  const allowed = ACTION_VARS[action];
  const merged: Record<string, VarValue> = {};
  // Lowest first: what AWX's launch form would fill in, the mapping's defaults, the VM itself, the rule.
  for (const layer of [
    requiredDefaults(action),
    mapping.defaults,
    vmVars(mapping, ev, action),
    rule.extra_vars ?? {},
  ]) {
    for (const [k, v] of Object.entries(layer)) if (allowed.includes(k)) merged[k] = v;
  }
  // The VM is acted on only if it records this NetBox object as its owner (a name is unique only per cluster and
  // tenant in NetBox); create records it. Not configurable by the mapping.
  const id = ev.data.id;
  if (typeof id !== 'number' || !Number.isInteger(id))
    throw new MappingError('data.id is missing: the VM has no NetBox id', 'data.id');
  merged[OWNER_VAR] = `${mapping.instance}/vm/${id}`;
  // Every answer meets its survey question's rule before it is stored; `{from_env}` references at launch.
  for (const [k, v] of Object.entries(merged)) {
    if (typeof v === 'object') continue;
    const checked = checkAnswer(action, k, v);
    if (checked instanceof Error) throw new MappingError(`VM ${ev.data.id ?? '?'}: ${checked.message}`, k);
    merged[k] = checked;
  }
  if (merged.vm_host === undefined) {
    throw new MappingError(
      `VM ${String(merged.vm_name)} has no cluster and the mapping sets no defaults.vm_host`,
      'data.cluster',
    );
  }
  if (action === 'create' && merged.vm_image === undefined) {
    throw new MappingError(
      `VM ${String(merged.vm_name)} has no platform and the mapping sets no defaults.vm_image`,
      'data.platform',
    );
  }
  const target = mapping.targets[action];
  return {
    kind: 'launch',
    plan: {
      action,
      vmName: String(merged.vm_name),
      objectId: id,
      ...(target.job_template === undefined ? {} : { jobTemplate: target.job_template }),
      playbook: target.playbook,
      extraVars: merged,
    },
  };
}
