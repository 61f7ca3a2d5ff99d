import { ACTIONS, ALL_VARS } from './survey-vars';

const statusList = {
  type: 'array',
  items: {
    type: 'string',
    enum: ['offline', 'active', 'planned', 'staged', 'failed', 'decommissioning', 'paused'],
  },
  description: 'NetBox VM status values',
} as const;

const varValue = {
  description: 'A survey answer: a literal, or {from_env: NAME} read from the environment at launch time',
  oneOf: [
    { type: ['string', 'integer', 'boolean'] },
    {
      type: 'object',
      properties: { from_env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'variable' } },
      required: ['from_env'],
      additionalProperties: false,
    },
  ],
} as const;

const varMap = {
  type: 'object',
  propertyNames: { enum: [...ALL_VARS] },
  additionalProperties: varValue,
} as const;

/** JSON Schema (draft-07) of the NetBox mapping file; every key optional, defaults in mapping-defaults.ts. */
export const mappingSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  properties: {
    version: { const: 1, description: 'Format version of this file' },
    instance: {
      type: 'string',
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$',
      description: 'name of this NetBox instance; each VM records <instance>/vm/<id> as its owner',
    },
    netbox_version: {
      type: 'string',
      pattern: '^\\d+\\.\\d+',
      description: 'NetBox release sending the events; decides the disk unit of `model` payloads (GB up to 4.0)',
    },
    disk_unit: { enum: ['auto', 'gb', 'mb'], description: 'Unit of the VM disk field; auto decides by version' },
    filters: {
      type: 'object',
      additionalProperties: false,
      description: 'Which events are acted on',
      properties: {
        require_tags: { type: 'array', items: { type: 'string' }, description: 'VM must carry all these tags' },
        clusters: { type: 'array', items: { type: 'string' }, description: 'only VMs of these clusters' },
        ignore_users: { type: 'array', items: { type: 'string' }, description: 'ignore changes by these users' },
      },
    },
    targets: {
      type: 'object',
      additionalProperties: false,
      description: 'AWX job template and local playbook per action',
      properties: Object.fromEntries(
        ACTIONS.map((a) => [
          a,
          {
            type: 'object',
            additionalProperties: false,
            properties: {
              job_template: { type: ['integer', 'string'], minLength: 1, description: 'AWX job template id or name' },
              playbook: { type: 'string', minLength: 1, description: 'playbook path, relative to the playbook dir' },
            },
          },
        ]),
      ),
    },
    rules: {
      type: 'array',
      description: 'First matching rule decides the action',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['event', 'action'],
        properties: {
          event: { enum: ['created', 'updated', 'deleted'], description: 'NetBox event' },
          from: statusList,
          to: statusList,
          action: { enum: [...ACTIONS, 'ignore'], description: 'what to launch' },
          extra_vars: varMap,
        },
      },
    },
    defaults: varMap,
    cluster_hosts: {
      type: 'object',
      additionalProperties: { type: 'string', minLength: 1 },
      description: 'NetBox cluster name → vm_host',
    },
    cluster_hypervisors: {
      type: 'object',
      additionalProperties: { enum: ['hyperv', 'libvirt', 'xen'] },
      description: 'NetBox cluster name → vm_hypervisor (unlisted clusters keep defaults.vm_hypervisor)',
    },
    platform_images: {
      type: 'object',
      additionalProperties: { type: 'string', minLength: 1 },
      description: 'NetBox platform slug → vm_image',
    },
    image_custom_field: { type: 'string', description: 'custom field whose value, when set, is the vm_image' },
    custom_fields: {
      type: 'object',
      propertyNames: { enum: [...ALL_VARS] },
      additionalProperties: { type: 'string', minLength: 1 },
      description: 'survey variable → NetBox custom field name',
    },
    write_back: {
      type: 'object',
      additionalProperties: false,
      description: 'What is written back to NetBox after a launch',
      properties: {
        journal: { type: 'boolean', description: 'journal entry on the VM for every outcome' },
        status_on_failure: { ...statusList.items, description: 'set the VM to this status when a launch fails' },
      },
    },
  },
} as const;
