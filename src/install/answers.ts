/**
 * Installer answers rendered from the guest_config fragment's non-secret part (hostname, domain, time zone, NIC
 * addressing, the admin account's name): Debian/Ubuntu preseed, RHEL-like kickstart and Ubuntu autoinstall. No
 * secret is ever in them: the installer only installs the guest agent, and the first boot runs the sealed exchange,
 * which delivers the admin password, keys and join credentials.
 *
 * Values from callers are data. They are validated first (guest_config's own rules), and every renderer checks again
 * that a value holds only the characters its format can carry as data, so no value can add a directive (a line
 * break in preseed, a quote or option in kickstart; YAML is written by a YAML serializer).
 */
import { stringify } from 'yaml';
import { InvalidArgument } from '../core/errors';
import { LINUX_AGENT_B64, LINUX_AGENT_UNIT_B64 } from '../generated/linux-agent';
import type { GuestNicConfig } from '../seal/guest-config';
import { validateGuestConfig } from '../seal/guest-config-validate';
import { parseCidr4, ipv4Mask } from '../seal/net-addr';
import { parsePinnedSenderKey, senderPublicKeyPem } from '../seal/sender';

export type Installer = 'preseed' | 'kickstart' | 'autoinstall';

/** The part of guest_config an installer may see: nothing secret. */
export interface InstallConfig {
  readonly hostname?: string;
  readonly domain?: string;
  readonly timezone?: string;
  readonly nics?: readonly GuestNicConfig[];
  readonly admin?: { readonly name: string };
}

export const AGENT_PATH = '/usr/local/sbin/virtseal-agent';
export const UNIT_PATH = '/etc/systemd/system/virtseal-agent.service';
/** Where the Linux agent reads the pinned sender key (docs/protocol.md §4a). */
export const SENDER_KEY_PATH = '/etc/virtseal/sender-key.pem';

/**
 * The pinned sender key as the seed carries it: re-encoded by node:crypto, so it is a canonical PEM (a header, base64
 * lines, a footer) whatever the caller's text held, and no line of it can end a heredoc or add a directive.
 */
export function canonicalSenderKey(pem: string | undefined, option: string): string | undefined {
  if (pem === undefined) return undefined;
  return senderPublicKeyPem(parsePinnedSenderKey(pem, option));
}

/** Checks `config` with guest_config's rules (the admin password is not asked for: it comes later, sealed). */
export function validateInstallConfig(config: InstallConfig, base: string): void {
  if ((config.nics?.length ?? 0) > 1) {
    throw new InvalidArgument(
      `${base}.nics: installer answers configure one NIC (the one the installer uses); configure the others with guest_config`,
    );
  }
  const nic = config.nics?.[0];
  if (nic?.ipv6_address !== undefined || nic?.ipv6_gateway !== undefined) {
    throw new InvalidArgument(
      `${base}.nics[0].ipv6_address: installer answers configure IPv4 or DHCP only; set static IPv6 with guest_config`,
    );
  }
  const problems = validateGuestConfig(config as never, base).filter((p) => p.path !== `${base}.admin.password`);
  // Messages quote the value; a line break in it is shown escaped so the message stays one line.
  if (problems.length > 0)
    throw new InvalidArgument(problems[0]!.message.replace(/[\0-\x1f]/g, (c) => JSON.stringify(c).slice(1, -1)));
}

/** A value every format here carries verbatim as data: no space, quote, line break, `#`, `$`, `;` or backslash. */
const PLAIN = /^[A-Za-z0-9._:/+-]+$/;
function plain(value: string, what: string): string {
  if (!PLAIN.test(value))
    throw new InvalidArgument(
      `${what}: '${JSON.stringify(value).slice(1, -1)}' holds characters an installer answer cannot carry as data`,
    );
  return value;
}

interface Ipv4 {
  readonly address: string;
  readonly netmask: string;
  readonly gateway?: string;
}
function staticIpv4(nic: GuestNicConfig | undefined): Ipv4 | undefined {
  if (!nic?.ipv4_address) return undefined;
  const cidr = parseCidr4(nic.ipv4_address);
  if (!cidr)
    throw new InvalidArgument(`nics[0].ipv4_address: '${nic.ipv4_address}' is not an IPv4 address in CIDR notation`);
  const m = ipv4Mask(cidr.prefix);
  const netmask = [24, 16, 8, 0].map((s) => (m >>> s) & 255).join('.');
  return { address: nic.ipv4_address.split('/')[0]!, netmask, ...(nic.ipv4_gateway && { gateway: nic.ipv4_gateway }) };
}

/**
 * Debian/Ubuntu debian-installer preseed. `agentDir` is where the agent files are when late_command runs; with
 * `pinned` (a canonical sender key, carried in the seed beside the agent) the target gets it too.
 */
export function renderPreseed(config: InstallConfig, agentDir = '/virtseal', pinned = false): string {
  const lines: string[] = ['# virtseal install_media: no secret here; the first boot runs the sealed exchange.'];
  const d = (question: string, type: string, value: string): void => {
    lines.push(`d-i ${question} ${type} ${value}`);
  };
  d('debian-installer/locale', 'string', 'en_US.UTF-8');
  d('keyboard-configuration/xkb-keymap', 'select', 'us');
  d('netcfg/choose_interface', 'select', 'auto');
  const nic = config.nics?.[0];
  const v4 = staticIpv4(nic);
  if (v4) {
    d('netcfg/disable_autoconfig', 'boolean', 'true');
    d('netcfg/get_ipaddress', 'string', plain(v4.address, 'nics[0].ipv4_address'));
    d('netcfg/get_netmask', 'string', v4.netmask);
    if (v4.gateway) d('netcfg/get_gateway', 'string', plain(v4.gateway, 'nics[0].ipv4_gateway'));
    if (nic?.dns_servers?.length)
      d(
        'netcfg/get_nameservers',
        'string',
        nic.dns_servers.map((s, i) => plain(s, `nics[0].dns_servers[${i}]`)).join(' '),
      );
    d('netcfg/confirm_static', 'boolean', 'true');
  }
  if (config.hostname) {
    d('netcfg/get_hostname', 'string', plain(config.hostname, 'hostname'));
    d('netcfg/hostname', 'string', plain(config.hostname, 'hostname'));
  }
  if (config.domain) d('netcfg/get_domain', 'string', plain(config.domain, 'domain'));
  d('clock-setup/utc', 'boolean', 'true');
  if (config.timezone) d('time/zone', 'string', plain(config.timezone, 'timezone'));
  d('passwd/root-login', 'boolean', 'false');
  if (config.admin) {
    d('passwd/user-fullname', 'string', plain(config.admin.name, 'admin.name'));
    d('passwd/username', 'string', plain(config.admin.name, 'admin.name'));
    // `!` is a locked password, not a secret: the sealed exchange sets the real one at first boot.
    d('passwd/user-password-crypted', 'password', '!');
  } else {
    d('passwd/make-user', 'boolean', 'false');
  }
  d('passwd/root-password-crypted', 'password', '!');
  // The rest of an unattended install: Debian's mirror, the whole first disk, GRUB on it, no reboot prompt.
  d('mirror/country', 'string', 'manual');
  d('mirror/http/hostname', 'string', 'deb.debian.org');
  d('mirror/http/directory', 'string', '/debian');
  d('mirror/http/proxy', 'string', '');
  d('partman-auto/method', 'string', 'regular');
  d('partman-auto/choose_recipe', 'select', 'atomic');
  d('partman-partitioning/confirm_write_new_label', 'boolean', 'true');
  d('partman/choose_partition', 'select', 'finish');
  d('partman/confirm', 'boolean', 'true');
  d('partman/confirm_nooverwrite', 'boolean', 'true');
  d('tasksel/first', 'multiselect', 'standard, ssh-server');
  d('popularity-contest/participate', 'boolean', 'false');
  d('grub-installer/bootdev', 'string', 'default');
  d('finish-install/reboot_in_progress', 'note', '');
  d('pkgsel/include', 'string', 'openssl');
  // Static text only: copy the agent from the seed into the target and enable it for the first boot.
  d(
    'preseed/late_command',
    'string',
    [
      `install -D -m 0755 ${agentDir}/virtseal-agent /target${AGENT_PATH}`,
      `install -D -m 0644 ${agentDir}/virtseal-agent.service /target${UNIT_PATH}`,
      ...(pinned ? [`install -D -m 0644 ${agentDir}/sender-key.pem /target${SENDER_KEY_PATH}`] : []),
      'in-target systemctl enable virtseal-agent.service',
    ].join('; '),
  );
  return `${lines.join('\n')}\n`;
}

/** RHEL-like kickstart (Anaconda). Values are checked plain, so no quote, option or line break can get in. */
export function renderKickstart(config: InstallConfig, senderKey?: string): string {
  const lines: string[] = [
    '# virtseal install_media: no secret here; the first boot runs the sealed exchange.',
    'text',
    'lang en_US.UTF-8',
    'keyboard us',
  ];
  const fqdn = config.hostname
    ? plain(config.domain ? `${config.hostname}.${config.domain}` : config.hostname, 'hostname')
    : undefined;
  const nic = config.nics?.[0];
  const v4 = staticIpv4(nic);
  const net = ['network', '--activate', '--onboot=yes'];
  if (v4) {
    net.push('--bootproto=static', `--ip=${plain(v4.address, 'nics[0].ipv4_address')}`, `--netmask=${v4.netmask}`);
    if (v4.gateway) net.push(`--gateway=${plain(v4.gateway, 'nics[0].ipv4_gateway')}`);
    if (nic?.dns_servers?.length)
      net.push(`--nameserver=${nic.dns_servers.map((s, i) => plain(s, `nics[0].dns_servers[${i}]`)).join(',')}`);
  } else net.push('--bootproto=dhcp');
  if (fqdn) net.push(`--hostname=${fqdn}`);
  lines.push(net.join(' '));
  lines.push(`timezone ${config.timezone ? plain(config.timezone, 'timezone') : 'UTC'} --utc`);
  lines.push('rootpw --lock');
  if (config.admin) lines.push(`user --name=${plain(config.admin.name, 'admin.name')} --groups=wheel --lock`);
  lines.push('%packages', '@^minimal-environment', 'openssl', '%end', '');
  lines.push(
    '%post --erroronfail',
    'set -e',
    `mkdir -p /usr/local/sbin /etc/systemd/system`,
    `base64 -d > ${AGENT_PATH} <<'VIRTSEAL_AGENT'`,
    ...wrap(LINUX_AGENT_B64),
    'VIRTSEAL_AGENT',
    `base64 -d > ${UNIT_PATH} <<'VIRTSEAL_UNIT'`,
    ...wrap(LINUX_AGENT_UNIT_B64),
    'VIRTSEAL_UNIT',
    `chmod 0755 ${AGENT_PATH}`,
    ...(senderKey === undefined
      ? []
      : [
          'mkdir -p /etc/virtseal',
          `cat > ${SENDER_KEY_PATH} <<'VIRTSEAL_SENDER_KEY'`,
          ...senderKey.trimEnd().split('\n'),
          'VIRTSEAL_SENDER_KEY',
          `chmod 0644 ${SENDER_KEY_PATH}`,
        ]),
    'systemctl enable virtseal-agent.service',
    '%end',
  );
  return `${lines.join('\n')}\n`;
}

/** Ubuntu autoinstall (Subiquity) user-data for a NoCloud `cidata` volume. */
export function renderAutoinstall(config: InstallConfig, senderKey?: string): string {
  const nic = config.nics?.[0];
  const v4 = staticIpv4(nic);
  const ethernet = v4
    ? {
        match: nic?.mac
          ? { macaddress: plain(nic.mac.toLowerCase().replace(/-/g, ':'), 'nics[0].mac') }
          : { name: 'en*' },
        addresses: [plain(nic!.ipv4_address!, 'nics[0].ipv4_address')],
        ...(v4.gateway && { routes: [{ to: 'default', via: plain(v4.gateway, 'nics[0].ipv4_gateway') }] }),
        ...(nic?.dns_servers?.length && {
          nameservers: { addresses: nic.dns_servers.map((s, i) => plain(s, `nics[0].dns_servers[${i}]`)) },
        }),
      }
    : { match: { name: 'en*' }, dhcp4: true };
  const userData: Record<string, unknown> = {
    ...(config.hostname && { hostname: plain(config.hostname, 'hostname') }),
    ...(config.hostname && config.domain && { fqdn: plain(`${config.hostname}.${config.domain}`, 'domain') }),
    ...(config.timezone && { timezone: plain(config.timezone, 'timezone') }),
    ...(config.admin && {
      users: [
        { name: plain(config.admin.name, 'admin.name'), groups: ['sudo'], shell: '/bin/bash', lock_passwd: true },
      ],
    }),
    write_files: [
      { path: AGENT_PATH, permissions: '0755', owner: 'root:root', encoding: 'b64', content: LINUX_AGENT_B64 },
      { path: UNIT_PATH, permissions: '0644', owner: 'root:root', encoding: 'b64', content: LINUX_AGENT_UNIT_B64 },
      ...(senderKey === undefined
        ? []
        : [{ path: SENDER_KEY_PATH, permissions: '0644', owner: 'root:root', content: senderKey }]),
    ],
    runcmd: [
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', '--no-block', 'virtseal-agent.service'],
    ],
  };
  const doc = {
    autoinstall: {
      version: 1,
      locale: 'en_US.UTF-8',
      keyboard: { layout: 'us' },
      network: { version: 2, ethernets: { primary: ethernet } },
      packages: ['openssl'],
      'user-data': userData,
    },
  };
  return `#cloud-config\n${stringify(doc, { lineWidth: 0 })}`;
}

function wrap(b64: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < b64.length; i += 76) out.push(b64.slice(i, i + 76));
  return out;
}
