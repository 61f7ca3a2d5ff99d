/**
 * Which hosts the inventory reads. VIRTSEAL_INVENTORY_CONFIG names a YAML file
 * (`hosts: [{host, hypervisor?, port?, user?, host_key_fingerprint?}]`), or VIRTSEAL_INVENTORY_HOSTS lists hosts
 * comma-separated (`hv01,hv02:2222`). Credentials come from the VIRTSEAL_HOST_* variables of the AWX credential,
 * exactly as for the modules.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { InvalidArgument } from '../core/errors';
import type { ConnectionOptions } from '../generated/fragment-connection';
import { SETTING_OPTIONS } from '../services/connection';

export interface InventoryConfig {
  readonly hosts: readonly ConnectionOptions[];
  /** Fail the whole inventory when one host cannot be read (default: warn and go on). */
  readonly strict: boolean;
}

/** The per-host settings an inventory source may carry; secrets belong in the credential, not in the project. */
const HOST_KEYS = new Set([
  'host',
  'port',
  'user',
  'hypervisor',
  'host_key_fingerprint',
  'known_hosts',
  'accept_unknown_host_key',
  'connect_timeout',
  ...SETTING_OPTIONS,
]);

function checkHosts(hosts: unknown, source: string, shape: string): ConnectionOptions[] {
  if (
    !Array.isArray(hosts) ||
    hosts.some((h) => typeof h !== 'object' || h === null || typeof (h as { host?: unknown }).host !== 'string')
  ) {
    throw new InvalidArgument(`${source} must hold ${shape}, a list of mappings each with a \`host\``, source);
  }
  for (const h of hosts as Record<string, unknown>[]) {
    const bad = Object.keys(h).find((k) => !HOST_KEYS.has(k));
    if (bad)
      throw new InvalidArgument(`${source}: unknown or disallowed key '${bad}' for host ${String(h.host)}`, source);
  }
  return hosts as ConnectionOptions[];
}

export function loadInventoryConfig(env: NodeJS.ProcessEnv = process.env): InventoryConfig {
  const strict = /^(1|true|yes)$/i.test(env.VIRTSEAL_INVENTORY_STRICT ?? '');
  // The inventory plugin (plugins/inventory/vms.py) passes the `hosts` of its YAML source as JSON.
  if (env.VIRTSEAL_INVENTORY_HOSTS_JSON) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.VIRTSEAL_INVENTORY_HOSTS_JSON);
    } catch (error) {
      throw new InvalidArgument(
        `VIRTSEAL_INVENTORY_HOSTS_JSON is not JSON: ${(error as Error).message}`,
        'VIRTSEAL_INVENTORY_HOSTS_JSON',
      );
    }
    return { hosts: checkHosts(parsed, 'VIRTSEAL_INVENTORY_HOSTS_JSON', 'a JSON array'), strict };
  }
  if (env.VIRTSEAL_INVENTORY_CONFIG) {
    let parsed: unknown;
    try {
      parsed = parse(readFileSync(env.VIRTSEAL_INVENTORY_CONFIG, 'utf8'));
    } catch (error) {
      throw new InvalidArgument(
        `cannot read VIRTSEAL_INVENTORY_CONFIG ${env.VIRTSEAL_INVENTORY_CONFIG}: ${(error as Error).message}`,
        'VIRTSEAL_INVENTORY_CONFIG',
      );
    }
    return {
      hosts: checkHosts((parsed as { hosts?: unknown })?.hosts, 'VIRTSEAL_INVENTORY_CONFIG', '`hosts:`'),
      strict,
    };
  }
  const list = (env.VIRTSEAL_INVENTORY_HOSTS ?? env.VIRTSEAL_HOST ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  if (list.length === 0) {
    throw new InvalidArgument(
      'no hypervisor hosts: set VIRTSEAL_INVENTORY_HOSTS (comma-separated) or VIRTSEAL_INVENTORY_CONFIG (YAML file)',
      'VIRTSEAL_INVENTORY_HOSTS',
    );
  }
  return { hosts: list.map((host) => ({ host })), strict };
}
