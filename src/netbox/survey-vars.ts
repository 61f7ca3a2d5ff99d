/** The playbook/survey variables of the team contract (contract 5): the only keys the mapping may produce. */
export const ACTIONS = ['create', 'start', 'stop', 'delete'] as const;
export type Action = (typeof ACTIONS)[number];

export const COMMON_VARS = ['vm_name', 'vm_host', 'vm_hypervisor'] as const;

export const CREATE_VARS = [
  'vm_image', 'vm_cpu_count', 'vm_memory_mb', 'vm_disk_gb', 'vm_generation', 'vm_secure_boot', 'vm_tpm',
  'vm_network', 'vm_vlan_id', 'vm_ipv4_address',
  'vm_ipv4_gateway', 'vm_dns_servers', 'vm_ipv6_address', 'vm_ipv6_gateway', 'vm_domain', 'vm_tags',
  'vm_admin_user', 'vm_admin_password', 'vm_ssh_authorized_key', 'vm_ansible_user', 'vm_ansible_ssh_key',
  'vm_cluster_role', 'vm_start',
] as const;

/** Variables each playbook accepts; anything else would land in AWX's `ignored_fields`, so it is not sent. */
export const ACTION_VARS: Readonly<Record<Action, readonly string[]>> = {
  create: [...COMMON_VARS, ...CREATE_VARS],
  start: [...COMMON_VARS],
  stop: [...COMMON_VARS, 'vm_force'],
  delete: [...COMMON_VARS, 'vm_delete_confirm', 'vm_force'],
};

/** Set by the bridge itself for every action, never by a mapping: the NetBox object the VM belongs to. */
export const OWNER_VAR = 'vm_owner';

/** Survey variables a mapping may fill. */
export const ALL_VARS: readonly string[] = [...new Set(Object.values(ACTION_VARS).flat())];

/** Password-type answers: only ever given as `{from_env: NAME}`, resolved at launch, never stored or printed. */
export const SECRET_VARS: readonly string[] = ['vm_admin_password', 'vm_ansible_ssh_key'];

/** Survey questions of type integer: sent as JSON numbers (AWX refuses "4" for an integer question). */
export const INTEGER_VARS: readonly string[] = ['vm_cpu_count', 'vm_memory_mb', 'vm_disk_gb', 'vm_generation', 'vm_vlan_id'];
