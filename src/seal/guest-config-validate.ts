/**
 * Semantic validation of guest_config beyond what the JSON schema checks: one clear message per bad field,
 * each naming the field by its dotted path (guest_config.nics[0].ipv4_gateway).
 */
import { InvalidArgument } from '../core/errors';
import type { GuestConfig, GuestNicConfig } from './guest-config';
import {
  isIpv6LinkLocal,
  ipv4Mask,
  parseCidr4,
  parseCidr6,
  parseIpv4,
  parseIpv6,
  sameIpv4Subnet,
  sameIpv6Subnet,
} from './net-addr';

export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const USER = /^[A-Za-z_][A-Za-z0-9_-]{0,31}$/;
const MAC = /^[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}$/;
const TIMEZONE = /^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+){0,3}$/;
const SSH_KEY =
  /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n\0]*)?$/;
const CRYPT_HASH = /^\$(1|5|6|y|2[aby])\$[./A-Za-z0-9$,=]+$/;
/**
 * System and built-in accounts across distributions and Windows, compared case-insensitively. The agents refuse
 * them too (Linux: UID below UID_MIN, a nologin shell or a home outside /home; Windows: by RID), this list only
 * says so before anything is sent. `Administrator` is accepted as admin.name only (it names itself explicitly).
 */
const RESERVED_USERS = new Set([
  'root',
  'daemon',
  'bin',
  'sys',
  'sync',
  'games',
  'man',
  'lp',
  'mail',
  'news',
  'uucp',
  'proxy',
  'www-data',
  'backup',
  'list',
  'irc',
  'gnats',
  'nobody',
  'nfsnobody',
  'operator',
  'adm',
  'halt',
  'shutdown',
  'ftp',
  'sshd',
  'messagebus',
  'polkitd',
  'systemd-network',
  'systemd-resolve',
  'systemd-timesync',
  'systemd-coredump',
  '_apt',
  'tss',
  'dbus',
  'guest',
  'defaultaccount',
  'wdagutilityaccount',
  'krbtgt',
]);

export function isDnsName(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false;
  return text
    .replace(/\.$/, '')
    .split('.')
    .every((l) => LABEL.test(l));
}

const controlChars = (s: string): boolean => /[\0\r\n]/.test(s);

export function validateGuestConfig(config: GuestConfig, base = 'guest_config'): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const bad = (path: string, message: string): void => {
    problems.push({ path: `${base}.${path}`, message: `${base}.${path}: ${message}` });
  };

  if (config.hostname !== undefined && !LABEL.test(config.hostname)) {
    bad('hostname', 'must be one DNS label: 1-63 letters, digits or hyphens, not starting or ending with a hyphen');
  } else if (config.hostname && config.domain_join && config.hostname.length > 15) {
    bad('hostname', 'must be at most 15 characters when joining a Windows domain (NetBIOS name)');
  }
  if (config.domain !== undefined && !isDnsName(config.domain))
    bad('domain', `'${config.domain}' is not a valid DNS domain name`);
  if (config.timezone !== undefined && !TIMEZONE.test(config.timezone)) {
    bad('timezone', 'must be an IANA time zone name such as Europe/Berlin or UTC');
  }

  const nics = config.nics ?? [];
  const macs = new Set<string>();
  nics.forEach((nic, i) => {
    const p = `nics[${i}]`;
    if (nic.mac !== undefined) {
      if (!MAC.test(nic.mac)) bad(`${p}.mac`, `'${nic.mac}' is not a MAC address (00:15:5d:01:02:03)`);
      else {
        const norm = nic.mac.toLowerCase().replace(/-/g, ':');
        if (macs.has(norm)) bad(`${p}.mac`, `MAC ${norm} is given for more than one NIC`);
        macs.add(norm);
      }
    } else if (nics.length > 1) {
      bad(`${p}.mac`, 'is required when more than one NIC is configured');
    }
    validateNic(nic, p, bad);
  });

  if (config.admin) {
    const a = config.admin;
    if (!USER.test(a.name))
      bad('admin.name', 'must start with a letter or _ and use only letters, digits, _ or - (max 32)');
    else if (RESERVED_USERS.has(a.name.toLowerCase())) bad('admin.name', `'${a.name}' is a reserved system account`);
    if (a.password !== undefined && a.password_hash !== undefined) {
      bad('admin.password_hash', 'give either password or password_hash, not both');
    } else if (!a.password && !a.password_hash) {
      bad('admin.password', `is required for the new user '${a.name}' (or give password_hash)`);
    }
    if (a.password !== undefined && a.password !== '' && (controlChars(a.password) || a.password.length > 256)) {
      bad('admin.password', 'must be at most 256 characters without line breaks or NUL');
    }
    if (a.password_hash !== undefined && !CRYPT_HASH.test(a.password_hash)) {
      bad('admin.password_hash', 'must be a crypt(3) hash such as $6$salt$hash (openssl passwd -6)');
    }
    checkKeys(a.ssh_authorized_keys, 'admin.ssh_authorized_keys', bad);
  }

  if (config.ansible) {
    const an = config.ansible;
    if (!USER.test(an.user))
      bad('ansible.user', 'must start with a letter or _ and use only letters, digits, _ or - (max 32)');
    else if (RESERVED_USERS.has(an.user.toLowerCase()) || an.user.toLowerCase() === 'administrator') {
      bad('ansible.user', `'${an.user}' is a reserved system account`);
    } else if (config.admin && config.admin.name === an.user) bad('ansible.user', 'must differ from admin.name');
    if (!an.ssh_authorized_keys || an.ssh_authorized_keys.length === 0) {
      bad('ansible.ssh_authorized_keys', 'needs at least one key (the Ansible user has no password)');
    }
    checkKeys(an.ssh_authorized_keys, 'ansible.ssh_authorized_keys', bad);
  }

  if (config.domain_join) {
    const d = config.domain_join;
    if (!isDnsName(d.domain)) bad('domain_join.domain', `'${d.domain}' is not a valid DNS domain name`);
    if (!d.user || controlChars(d.user) || d.user.length > 256)
      bad('domain_join.user', 'is required (user, DOMAIN\\user or user@domain)');
    if (!d.password) bad('domain_join.password', `is required to join '${d.domain}'`);
    else if (controlChars(d.password)) bad('domain_join.password', 'must not contain line breaks or NUL');
    if (d.ou !== undefined && !/^(OU|CN)=[^,]+(,(OU|CN|DC)=[^,]+)*$/i.test(d.ou)) {
      bad('domain_join.ou', 'must be a distinguished name such as OU=Servers,DC=example,DC=com');
    }
  }

  (config.run_once ?? []).forEach((cmd, i) => {
    if (cmd.trim() === '' || cmd.includes('\0')) bad(`run_once[${i}]`, 'must be a non-empty command without NUL');
  });
  if (config.user_data !== undefined) {
    if (!/^(#cloud-config|#!|Content-Type:|#include|#cloud-boothook)/.test(config.user_data)) {
      bad('user_data', 'must start with #cloud-config, #!, #include, #cloud-boothook or a MIME Content-Type header');
    } else if (Buffer.byteLength(config.user_data) > 32 * 1024) {
      bad('user_data', 'must be at most 32 KiB');
    }
  }
  return problems;
}

function validateNic(nic: GuestNicConfig, p: string, bad: (path: string, message: string) => void): void {
  let v4: ReturnType<typeof parseCidr4>;
  if (nic.ipv4_address !== undefined) {
    v4 = parseCidr4(nic.ipv4_address);
    if (!v4) bad(`${p}.ipv4_address`, `'${nic.ipv4_address}' is not an IPv4 address in CIDR notation (192.0.2.10/24)`);
    else if (v4.prefix < 8 || v4.prefix > 32)
      bad(`${p}.ipv4_address`, `prefix /${v4.prefix} is not usable for a host (8-32)`);
    else if (v4.prefix <= 30) {
      const mask = ipv4Mask(v4.prefix);
      if ((v4.address & mask) >>> 0 === v4.address)
        bad(`${p}.ipv4_address`, 'is the network address of its subnet, not a host address');
      else if ((v4.address | ~mask) >>> 0 === v4.address)
        bad(`${p}.ipv4_address`, 'is the broadcast address of its subnet');
    }
    if (nic.dhcp4) bad(`${p}.dhcp4`, 'cannot be true together with a static ipv4_address');
  }
  if (nic.ipv4_gateway !== undefined) {
    const gw = parseIpv4(nic.ipv4_gateway);
    if (gw === undefined) bad(`${p}.ipv4_gateway`, `'${nic.ipv4_gateway}' is not an IPv4 address`);
    else if (nic.ipv4_address === undefined) bad(`${p}.ipv4_gateway`, 'needs a static ipv4_address on the same NIC');
    else if (v4 && !sameIpv4Subnet(gw, v4.address, v4.prefix)) {
      bad(`${p}.ipv4_gateway`, `${nic.ipv4_gateway} is outside the subnet of ${nic.ipv4_address}`);
    } else if (v4 && gw === v4.address) bad(`${p}.ipv4_gateway`, 'must differ from the NIC address');
  }
  let v6: ReturnType<typeof parseCidr6>;
  if (nic.ipv6_address !== undefined) {
    v6 = parseCidr6(nic.ipv6_address);
    if (!v6) bad(`${p}.ipv6_address`, `'${nic.ipv6_address}' is not an IPv6 address with prefix (2001:db8::10/64)`);
  }
  if (nic.ipv6_gateway !== undefined) {
    const gw = parseIpv6(nic.ipv6_gateway);
    if (!gw) bad(`${p}.ipv6_gateway`, `'${nic.ipv6_gateway}' is not valid IPv6 syntax`);
    else if (nic.ipv6_address === undefined) bad(`${p}.ipv6_gateway`, 'needs a static ipv6_address on the same NIC');
    else if (v6 && !isIpv6LinkLocal(gw) && !sameIpv6Subnet(gw, v6.address, v6.prefix)) {
      bad(`${p}.ipv6_gateway`, `${nic.ipv6_gateway} is outside the subnet of ${nic.ipv6_address} (and not link-local)`);
    }
  }
  (nic.dns_servers ?? []).forEach((s, j) => {
    if (parseIpv4(s) === undefined && !parseIpv6(s))
      bad(`${p}.dns_servers[${j}]`, `'${s}' is not an IPv4 or IPv6 address`);
  });
  (nic.search_domains ?? []).forEach((s, j) => {
    if (!isDnsName(s)) bad(`${p}.search_domains[${j}]`, `'${s}' is not a valid DNS domain name`);
  });
}

function checkKeys(
  keys: readonly string[] | undefined,
  path: string,
  bad: (path: string, message: string) => void,
): void {
  (keys ?? []).forEach((k, i) => {
    if (!SSH_KEY.test(k.trim()))
      bad(`${path}[${i}]`, 'is not a single-line OpenSSH public key (ssh-ed25519 AAAA... comment)');
  });
}

/** Throws InvalidArgument listing every problem (the option is the first bad field). */
export function assertGuestConfig(config: GuestConfig, base = 'guest_config'): void {
  const problems = validateGuestConfig(config, base);
  if (problems.length === 0) return;
  throw new InvalidArgument(problems.map((p) => p.message).join('; '), problems[0]!.path, {
    details: { problems: problems.map((p) => p.path) },
  });
}
