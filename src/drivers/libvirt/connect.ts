/**
 * From a module's host connection to a libvirt driver: virsh and qemu-img run on the host over virtseal's SSH
 * connection, or, for `host: local` (or `localhost` with no credentials, or no SSH options at all), directly on the
 * machine running Ansible. Setting `libvirt_uri` names the connection URI on the host. Extra knobs for the host come from the environment (VIRTSEAL_LIBVIRT_POOL_PATH, _DOMAIN_TYPE,
 * _GUEST_KVP_DIR, _CONSOLE_LOG_DIR); see docs/libvirt.md.
 */
import { InvalidArgument } from '../../core/errors';
import { LocalRunner, type CommandRunner } from '../../transport/local-exec';
import { SshConnection, type SshConnectionOptions } from '../../transport/ssh-connection';
import type { HostConnection, Hypervisor } from '../types';
import { createLibvirtHypervisor } from './index';
import { SshRunner } from './ssh-runner';

export function isLocalHost(conn: Pick<SshConnectionOptions, 'host' | 'password' | 'privateKey' | 'agent'>): boolean {
  if (conn.host === 'local') return true;
  return (conn.host === 'localhost' || conn.host === '127.0.0.1') && !conn.password && !conn.privateKey && !conn.agent;
}

export async function connect(connection: HostConnection, env: NodeJS.ProcessEnv = process.env): Promise<Hypervisor> {
  const domainType = env.VIRTSEAL_LIBVIRT_DOMAIN_TYPE;
  if (domainType !== undefined && domainType !== '' && domainType !== 'kvm' && domainType !== 'qemu') {
    throw new InvalidArgument(
      `VIRTSEAL_LIBVIRT_DOMAIN_TYPE must be kvm or qemu, got '${domainType}'`,
      'VIRTSEAL_LIBVIRT_DOMAIN_TYPE',
    );
  }
  let runner: CommandRunner;
  const { ssh } = connection;
  if (!ssh || isLocalHost(ssh)) {
    runner = new LocalRunner();
  } else {
    runner = new SshRunner(await SshConnection.connect(ssh));
  }
  const opt = (name: string): string | undefined =>
    env[name] === undefined || env[name] === '' ? undefined : env[name];
  const poolPath = opt('VIRTSEAL_LIBVIRT_POOL_PATH');
  const guestKvpDir = opt('VIRTSEAL_LIBVIRT_GUEST_KVP_DIR');
  const consoleLogDir = opt('VIRTSEAL_LIBVIRT_CONSOLE_LOG_DIR');
  const uri = connection.settings.libvirt_uri;
  return createLibvirtHypervisor({
    runner,
    uri: uri === undefined ? undefined : String(uri),
    poolPath,
    guestKvpDir,
    consoleLogDir,
    domainType: domainType === 'kvm' || domainType === 'qemu' ? domainType : undefined,
  });
}
