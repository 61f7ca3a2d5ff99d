/**
 * From a module's host connection to a libvirt driver: virsh and qemu-img run on the host over virtseal's SSH
 * connection, or, for `host: local` (or `localhost` with no credentials), directly on the machine running
 * Ansible. Extra knobs for the host come from the environment (VIRTSEAL_LIBVIRT_POOL_PATH, _DOMAIN_TYPE,
 * _GUEST_KVP_DIR, _CONSOLE_LOG_DIR); see docs/libvirt.md.
 */
import { InvalidArgument } from '../../core/errors';
import { LocalRunner, type CommandRunner } from '../../transport/local-exec';
import { SshConnection } from '../../transport/ssh-connection';
import type { HostConnectionOptions, Hypervisor } from '../types';
import { createLibvirtHypervisor } from './index';
import { SshRunner } from './ssh-runner';

export function isLocalHost(conn: Pick<HostConnectionOptions, 'host' | 'password' | 'privateKey' | 'agent'>): boolean {
  if (conn.host === 'local') return true;
  return (conn.host === 'localhost' || conn.host === '127.0.0.1') && !conn.password && !conn.privateKey && !conn.agent;
}

export async function connectLibvirt(conn: HostConnectionOptions, env: NodeJS.ProcessEnv = process.env): Promise<Hypervisor> {
  const domainType = env.VIRTSEAL_LIBVIRT_DOMAIN_TYPE;
  if (domainType !== undefined && domainType !== '' && domainType !== 'kvm' && domainType !== 'qemu') {
    throw new InvalidArgument(`VIRTSEAL_LIBVIRT_DOMAIN_TYPE must be kvm or qemu, got '${domainType}'`, 'VIRTSEAL_LIBVIRT_DOMAIN_TYPE');
  }
  let runner: CommandRunner;
  if (isLocalHost(conn)) {
    runner = new LocalRunner();
  } else {
    const { hypervisor: _type, libvirtUri: _uri, imageLibraryPath: _lib, ...ssh } = conn;
    runner = new SshRunner(await SshConnection.connect(ssh));
  }
  const opt = (name: string): string | undefined => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const poolPath = opt('VIRTSEAL_LIBVIRT_POOL_PATH');
  const guestKvpDir = opt('VIRTSEAL_LIBVIRT_GUEST_KVP_DIR');
  const consoleLogDir = opt('VIRTSEAL_LIBVIRT_CONSOLE_LOG_DIR');
  return createLibvirtHypervisor({
    runner,
    ...(conn.libvirtUri !== undefined ? { uri: conn.libvirtUri } : {}),
    ...(poolPath !== undefined ? { poolPath } : {}),
    ...(guestKvpDir !== undefined ? { guestKvpDir } : {}),
    ...(consoleLogDir !== undefined ? { consoleLogDir } : {}),
    ...(domainType === 'kvm' || domainType === 'qemu' ? { domainType } : {}),
  });
}
