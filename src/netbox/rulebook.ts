import { stringify } from 'yaml';
import type { Mapping, MappingRule, VarValue } from './mapping';
import { requiredDefaults } from './survey-defaults';
import { type Action, ACTION_VARS, INTEGER_VARS, OWNER_VAR } from './survey-vars';

/**
 * The Event-Driven Ansible rulebook equivalent to a mapping: the same rules (event, status before/after, filters)
 * as ansible-rulebook conditions, and the same survey answers as Jinja templates over the NetBox payload, for
 * `run_job_template`. What Jinja in a rulebook cannot express the way the bridge does is listed in the header.
 */
const EVENT_SPELLINGS: Record<string, string[]> = {
  created: ['created', 'object_created'],
  updated: ['updated', 'object_updated'],
  deleted: ['deleted', 'object_deleted'],
};

const P = 'event.payload';
const D = `${P}.data`;
const json = (v: unknown) => JSON.stringify(v);
const list = (values: readonly string[]) => `[${values.map(json).join(', ')}]`;
/** `table[key]`, falling back to the key itself, as map-event.ts does for cluster_hosts and platform_images. */
const lookup = (table: Readonly<Record<string, string>>, key: string) =>
  Object.keys(table).length ? `${json(table)}.get(${key}, ${key})` : key;

function conditions(mapping: Mapping, rule: MappingRule): string[] {
  const c = [
    // One path for both payload generations (`model` up to 4.4, `object_type` after): the object's API URL.
    `${D}.url is search("/api/virtualization/virtual-machines/")`,
    `${P}.event in ${list(EVENT_SPELLINGS[rule.event]!)}`,
  ];
  if (rule.from) c.push(`${P}.snapshots.prechange.status in ${list(rule.from)}`);
  if (rule.to) c.push(`${D}.status.value in ${list(rule.to)}`);
  for (const tag of mapping.filters.require_tags) c.push(`${D}.tags is selectattr("slug", "==", ${json(tag)})`);
  if (mapping.filters.clusters.length > 0) c.push(`${D}.cluster.name in ${list(mapping.filters.clusters)}`);
  if (mapping.filters.ignore_users.length > 0) c.push(`${P}.username not in ${list(mapping.filters.ignore_users)}`);
  // The bridge answers 422 for these; a rulebook can only decline to fire.
  if (mapping.defaults.vm_host === undefined) c.push(`${D}.cluster.name is defined`);
  if (rule.action === 'create' && mapping.defaults.vm_image === undefined && !mapping.image_custom_field)
    c.push(`${D}.platform.slug is defined`);
  if (rule.action === 'create') for (const f of ['vcpus', 'memory', 'disk']) c.push(`${D}.${f} is defined`);
  return c;
}

function literal(v: VarValue): string {
  if (typeof v === 'object') return `{{ ${v.from_env} }}`; // the rulebook reads it with --env-vars
  return typeof v === 'string' ? v : `{{ ${json(v)} }}`;
}

/** Jinja for the variables the bridge takes from the VM (see vmVars in map-event.ts). */
function vmTemplates(mapping: Mapping, action: Action, diskMb: boolean): Record<string, string> {
  const t: Record<string, string> = {};
  const cluster = `(${D}.cluster or {}).get("name")`;
  const fallbackHost = mapping.defaults.vm_host;
  t.vm_name = `{{ ${D}.name }}`;
  if (Object.keys(mapping.cluster_hypervisors).length > 0) {
    const fallback = mapping.defaults.vm_hypervisor;
    const orDefault = typeof fallback === 'object' ? `${fallback.from_env}` : json(fallback ?? '');
    t.vm_hypervisor = `{{ ${json(mapping.cluster_hypervisors)}.get(${cluster}) or ${orDefault} }}`;
  }
  t.vm_host = `{{ ${lookup(mapping.cluster_hosts, cluster)}${fallbackHost !== undefined && typeof fallbackHost !== 'object' ? ` or ${json(fallbackHost)}` : ''} }}`;
  if (action === 'create') {
    const slug = `(${D}.platform or {}).get("slug")`;
    const cf = mapping.image_custom_field
      ? `(${D}.custom_fields or {}).get(${json(mapping.image_custom_field)}) or `
      : '';
    const fallbackImage = mapping.defaults.vm_image;
    const orDefault =
      fallbackImage !== undefined && typeof fallbackImage !== 'object' ? ` or ${json(fallbackImage)}` : '';
    t.vm_image = `{{ ${cf}${lookup(mapping.platform_images, slug)}${orDefault} }}`;
    t.vm_cpu_count = `{{ [1, ${D}.vcpus | float | round(0, "ceil") | int] | max }}`;
    t.vm_memory_mb = `{{ ${D}.memory | float | round | int }}`;
    t.vm_disk_gb = diskMb
      ? `{{ (${D}.disk | float / 1024) | round(0, "ceil") | int }}`
      : `{{ ${D}.disk | float | round | int }}`;
    t.vm_ipv4_address = `{{ (${D}.primary_ip4 or {}).get("address") or "" }}`;
    t.vm_ipv6_address = `{{ (${D}.primary_ip6 or {}).get("address") or "" }}`;
    t.vm_tags = `{{ ${D}.tags | map(attribute="slug") | join(",") }}`;
  }
  for (const [variable, field] of Object.entries(mapping.custom_fields)) {
    if (INTEGER_VARS.includes(variable)) continue; // an empty custom field cannot become "no answer" here
    t[variable] = `{{ (${D}.custom_fields or {}).get(${json(field)}) or "" }}`;
  }
  if (action === 'delete') t.vm_delete_confirm = `{{ ${D}.name }}`;
  return t;
}

function templateName(mapping: Mapping, action: Action): string {
  const jt = mapping.targets[action].job_template;
  if (typeof jt === 'string' && !/^\d+$/.test(jt)) return jt;
  return `{{ virtseal_${action}_template | default(${json(`virtseal: ${action} VM`)}) }}`;
}

/** `diskMb`: the NetBox release the rulebook listens to reports disk in MB (4.1 and later). */
export function renderRulebook(mapping: Mapping, options: { readonly diskMb: boolean }): string {
  const rules = mapping.rules
    .filter((r) => r.action !== 'ignore')
    .map((r) => {
      const action = r.action as Action;
      const vars: Record<string, string> = {};
      const allowed = ACTION_VARS[action];
      // Lowest first, as the bridge layers them: AWX's launch-form defaults, the mapping's, the VM's, the rule's.
      for (const layer of [
        Object.fromEntries(Object.entries(requiredDefaults(action)).map(([k, v]) => [k, literal(v)])),
        Object.fromEntries(Object.entries(mapping.defaults).map(([k, v]) => [k, literal(v)])),
        vmTemplates(mapping, action, options.diskMb),
        Object.fromEntries(Object.entries(r.extra_vars ?? {}).map(([k, v]) => [k, literal(v)])),
      ]) {
        for (const [k, v] of Object.entries(layer)) if (allowed.includes(k)) vars[k] = v;
      }
      // The owner the VM must record (see decide in map-event.ts); the instance name is a plain identifier.
      vars[OWNER_VAR] = `${mapping.instance}/vm/{{ ${D}.id }}`;
      const from = r.from ? ` from ${r.from.join('/')}` : '';
      const to = r.to ? ` to ${r.to.join('/')}` : '';
      return {
        name: `${action} VM when ${r.event}${from}${to}`,
        condition: conditions(mapping, r).join(' and '),
        action: {
          run_job_template: {
            name: templateName(mapping, action),
            organization: '{{ virtseal_organization | default("Default") }}',
            job_args: { extra_vars: vars },
          },
        },
      };
    });
  const book = [
    {
      name: 'NetBox virtual machines to virtseal job templates',
      hosts: 'all',
      sources: [
        {
          name: 'NetBox webhook',
          'ansible.eda.webhook': {
            host: '{{ netbox_webhook_host | default("0.0.0.0") }}',
            port: '{{ netbox_webhook_port | default(5000) }}',
            hmac_secret: '{{ NETBOX_WEBHOOK_SECRET }}',
            hmac_algo: 'sha512',
            hmac_header: 'X-Hook-Signature',
            hmac_format: 'hex',
          },
        },
      ],
      rules,
    },
  ];
  const header = [
    '# Generated by `virtseal netbox rulebook` from the bridge mapping (src/netbox/mapping.ts) — do not edit; regenerate.',
    '# Event-Driven Ansible twin of `virtseal netbox serve`: the same rules and survey answers, without the durable',
    '# queue, deduplication and NetBox write-back (docs/netbox.md). Run, for example:',
    '#   ansible-rulebook -r virtseal.core.netbox --env-vars NETBOX_WEBHOOK_SECRET -i inventory.yml',
    '# Differences from the bridge: a VM without cluster (or, for create, platform, vcpus, memory, disk) does not fire',
    '# a rule (the bridge answers 422); absent addresses, tags and custom fields are sent as "" rather than left out;',
    '# integer custom-field mappings are not sent; updates that keep the status fire only through rules with `from`.',
    `# Disk sizes are read as ${options.diskMb ? 'MB (NetBox 4.1 and later)' : 'GB (NetBox up to 4.0)'}.`,
  ];
  // YAML 1.1 output: ansible-rulebook reads YAML 1.1, where a bare yes/no would turn the survey answer into a boolean.
  return `${header.join('\n')}\n---\n${stringify(book, { lineWidth: 150, version: '1.1' })}`;
}
