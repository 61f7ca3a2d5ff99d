/**
 * The one canonical payload of protocol v3: a first line `virtseal-payload 2`, then one line per setting,
 * `<key> <base64(UTF-8 value)>`, keys sorted bytewise and unique, LF line ends. Line-based so the POSIX sh agent
 * can read it with awk + base64; canonical so the same config always gives the same bytes (test vectors).
 */
import { PAYLOAD_MAGIC } from './constants';
import { configDigest } from './crypto';
import type { GuestConfig } from './guest-config';
import { renderNetworkConfig } from './network-config';

const KEY = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;
const idx = (i: number): string => String(i).padStart(3, '0');

/** Flattens a validated config into payload entries (empty values are left out). */
export function payloadEntries(config: GuestConfig): Map<string, string> {
  const e = new Map<string, string>();
  const put = (key: string, value: string | boolean | undefined): void => {
    if (value === undefined || value === '') return;
    e.set(key, typeof value === 'boolean' ? String(value) : value);
  };
  put('hostname', config.hostname);
  put('domain', config.domain);
  put('timezone', config.timezone);
  (config.nics ?? []).forEach((nic, i) => {
    const p = `nic.${idx(i)}`;
    put(`${p}.mac`, nic.mac?.toLowerCase().replace(/-/g, ':'));
    put(`${p}.dhcp4`, nic.ipv4_address ? false : (nic.dhcp4 ?? true));
    put(`${p}.ipv4_address`, nic.ipv4_address);
    put(`${p}.ipv4_gateway`, nic.ipv4_gateway);
    put(`${p}.dhcp6`, nic.dhcp6);
    put(`${p}.ipv6_address`, nic.ipv6_address);
    put(`${p}.ipv6_gateway`, nic.ipv6_gateway);
    put(`${p}.dns_servers`, nic.dns_servers?.join(','));
    put(`${p}.search_domains`, nic.search_domains?.join(','));
  });
  if (config.admin) {
    put('admin.name', config.admin.name);
    put('admin.password', config.admin.password);
    put('admin.password_hash', config.admin.password_hash);
    put('admin.ssh_keys', config.admin.ssh_authorized_keys?.map((k) => k.trim()).join('\n'));
  }
  if (config.ansible) {
    put('ansible.name', config.ansible.user);
    put('ansible.ssh_keys', config.ansible.ssh_authorized_keys.map((k) => k.trim()).join('\n'));
  }
  if (config.domain_join) {
    put('domain_join.domain', config.domain_join.domain);
    put('domain_join.user', config.domain_join.user);
    put('domain_join.password', config.domain_join.password);
    put('domain_join.ou', config.domain_join.ou);
  }
  for (const [i, cmd] of (config.run_once ?? []).entries()) put(`run_once.${idx(i)}`, cmd);
  put('linux.network_config', renderNetworkConfig(config.nics ?? []));
  put('linux.user_data', config.user_data);
  return e;
}

export function encodePayload(entries: ReadonlyMap<string, string>): Buffer {
  const keys = [...entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const lines = [PAYLOAD_MAGIC];
  for (const key of keys) {
    if (!KEY.test(key)) throw new Error(`payload key '${key}' is not canonical`);
    lines.push(`${key} ${Buffer.from(entries.get(key)!, 'utf8').toString('base64')}`);
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/** The canonical config alone: what the applied record's digest covers. */
export const buildPayload = (config: GuestConfig): Buffer => encodePayload(payloadEntries(config));

/**
 * What one envelope carries: the config plus the applied record the guest must leave (`record.salt`,
 * `record.digest`: a salted, slow digest of the config bound to the VM id, docs/protocol.md §6).
 */
export function sealedPayload(
  config: GuestConfig,
  vmId: string,
  salt: Buffer,
): { payload: Buffer; salt: string; digest: string } {
  const digest = configDigest(buildPayload(config), vmId, salt).toString('hex');
  const entries = payloadEntries(config);
  entries.set('record.salt', salt.toString('hex'));
  entries.set('record.digest', digest);
  return { payload: encodePayload(entries), salt: salt.toString('hex'), digest };
}

/** Strict parser: returns undefined unless the text is exactly canonical. */
export function decodePayload(bytes: Buffer): Map<string, string> | undefined {
  const text = bytes.toString('utf8');
  if (!text.endsWith('\n')) return undefined;
  const lines = text.slice(0, -1).split('\n');
  if (lines[0] !== PAYLOAD_MAGIC) return undefined;
  const out = new Map<string, string>();
  let previous = '';
  for (const line of lines.slice(1)) {
    const m = /^([a-z0-9_.]+) ([A-Za-z0-9+/]+={0,2})$/.exec(line);
    if (!m || !KEY.test(m[1]!) || m[1]! <= previous) return undefined;
    const value = Buffer.from(m[2]!, 'base64');
    if (value.toString('base64') !== m[2]) return undefined;
    out.set(m[1]!, value.toString('utf8'));
    previous = m[1]!;
  }
  return out;
}
