/**
 * Maps guest_config onto HLVMM v1's fixed data keys, refusing (before anything is sent) what v1 cannot carry
 * and the values its agents mishandle: quotes and backslashes (trimmed away by xargs: the setting is silently
 * skipped), surrounding blanks, and anything but a plain name for the Ansible user (passed to eval as root).
 */
import { InvalidArgument } from '../../core/errors';
import type { GuestConfig } from '../guest-config';
import { parseCidr4 } from '../net-addr';

export interface V1Problem {
  readonly path: string;
  readonly message: string;
}

const SAFE_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

export function hlvmmV1Data(config: GuestConfig, base = 'guest_config'): Map<string, string> {
  const problems: V1Problem[] = [];
  const bad = (path: string, message: string): void => {
    problems.push({ path: `${base}.${path}`, message: `${base}.${path}: ${message}` });
  };
  const unsupported = (path: string, what: string): void =>
    bad(path, `${what} cannot be carried by protocol hlvmm-v1 (use protocol v2)`);
  const data = new Map<string, string>();
  const put = (key: string, value: string | undefined, path: string): void => {
    if (value === undefined || value === '') return;
    if (/['"\\]/.test(value))
      bad(path, 'contains a quote or backslash, which the hlvmm-v1 guest agent drops silently (use protocol v2)');
    else if (value !== value.trim() || /[\r\n]/.test(value))
      bad(path, 'has surrounding blanks or line breaks, which the hlvmm-v1 guest agent trims or splits');
    data.set(key, value);
  };

  if (!config.hostname) bad('hostname', 'is required by hlvmm-v1');
  put('guest_host_name', config.hostname, 'hostname');
  if (!config.admin?.password) bad('admin.password', 'hlvmm-v1 needs a local administrator with a password');
  if (config.admin?.password_hash) unsupported('admin.password_hash', 'a password hash');
  if (config.admin?.ssh_authorized_keys?.length) unsupported('admin.ssh_authorized_keys', 'administrator SSH keys');
  put('guest_la_uid', config.admin?.name, 'admin.name');
  put('guest_la_pw', config.admin?.password, 'admin.password');

  const nics = config.nics ?? [];
  if (nics.length > 1) unsupported('nics', 'more than one NIC');
  const nic = nics[0];
  if (nic) {
    if (nic.ipv6_address || nic.ipv6_gateway || nic.dhcp6) unsupported('nics[0].ipv6_address', 'IPv6');
    if ((nic.dns_servers?.length ?? 0) > 2) unsupported('nics[0].dns_servers', 'more than two DNS servers');
    if ((nic.search_domains?.length ?? 0) > 1) unsupported('nics[0].search_domains', 'more than one search domain');
    if (nic.ipv4_address) {
      const cidr = parseCidr4(nic.ipv4_address);
      if (!nic.ipv4_gateway) bad('nics[0].ipv4_gateway', 'is required by hlvmm-v1 with a static address');
      if (!nic.dns_servers?.length)
        bad('nics[0].dns_servers', 'hlvmm-v1 needs at least one DNS server with a static address');
      put('guest_v4_ip_addr', nic.ipv4_address.split('/')[0], 'nics[0].ipv4_address');
      put('guest_v4_cidr_prefix', cidr ? String(cidr.prefix) : undefined, 'nics[0].ipv4_address');
      put('guest_v4_default_gw', nic.ipv4_gateway, 'nics[0].ipv4_gateway');
      put('guest_v4_dns1', nic.dns_servers?.[0], 'nics[0].dns_servers[0]');
      put('guest_v4_dns2', nic.dns_servers?.[1], 'nics[0].dns_servers[1]');
    }
    put('guest_net_dns_suffix', nic.search_domains?.[0] ?? config.domain, 'nics[0].search_domains[0]');
  } else {
    put('guest_net_dns_suffix', config.domain, 'domain');
  }
  if (config.domain_join) {
    const d = config.domain_join;
    if (!d.ou) bad('domain_join.ou', 'is required by hlvmm-v1');
    put('guest_domain_join_target', d.domain, 'domain_join.domain');
    put('guest_domain_join_uid', d.user, 'domain_join.user');
    put('guest_domain_join_pw', d.password, 'domain_join.password');
    put('guest_domain_join_ou', d.ou, 'domain_join.ou');
  }
  if (config.ansible) {
    if (!SAFE_NAME.test(config.ansible.user)) {
      bad(
        'ansible.user',
        'must be a plain lower-case user name for hlvmm-v1 (its agent passes the name to eval as root)',
      );
    }
    if (config.ansible.ssh_authorized_keys.length !== 1)
      unsupported('ansible.ssh_authorized_keys', 'more or fewer than one Ansible key');
    put('ansible_ssh_user', config.ansible.user, 'ansible.user');
    put('ansible_ssh_key', config.ansible.ssh_authorized_keys[0]?.trim(), 'ansible.ssh_authorized_keys[0]');
  }
  if (config.timezone) unsupported('timezone', 'a time zone');
  if (config.run_once?.length) unsupported('run_once', 'run-once commands');
  if (config.user_data) unsupported('user_data', 'cloud-init user-data');

  if (problems.length) {
    throw new InvalidArgument(problems.map((p) => p.message).join('; '), problems[0]!.path, {
      details: { problems: problems.map((p) => p.path) },
    });
  }
  return new Map([...data].map(([k, v]) => [`hlvmm.data.${k}`, v]));
}
