/**
 * From a module's host connection to the Xen driver. The pool master is `xapi_url` (default `https://<host>[:port]`),
 * the XAPI user and password are the connection's `user` and `password`, and the master's certificate is pinned by
 * `xapi_fingerprint` (SHA-256) or `xapi_ca_file`. `xapi_sr` picks the storage repository for images and disks
 * (default: the pool's default SR). See docs/xen.md.
 */
import { InvalidArgument } from '../../core/errors';
import type { HostConnection, Hypervisor } from '../types';
import { XenHypervisor } from './index';
import { type XenSettings, readCaFile } from './settings';

export function xenSettings(connection: HostConnection): XenSettings {
  const s = connection.settings;
  const ssh = connection.ssh;
  const text = (name: string): string | undefined =>
    s[name] === undefined || s[name] === '' ? undefined : String(s[name]);
  const url =
    text('xapi_url') ??
    (ssh
      ? `https://${ssh.host.includes(':') ? `[${ssh.host}]` : ssh.host}${ssh.port !== undefined ? `:${ssh.port}` : ''}`
      : undefined);
  if (!url) throw new InvalidArgument('xapi_url (or host) is required for a Xen pool', 'xapi_url');
  if (ssh?.privateKey && !ssh.password)
    throw new InvalidArgument('a Xen pool logs in with user and password; private_key does not apply', 'private_key');
  const caFile = text('xapi_ca_file');
  const fingerprint = text('xapi_fingerprint');
  const sr = text('xapi_sr');
  return {
    url,
    username: ssh?.user ?? '',
    password: ssh?.password ?? '',
    ...(caFile !== undefined ? { caPem: readCaFile(caFile) } : {}),
    ...(fingerprint !== undefined ? { fingerprint } : {}),
    ...(sr !== undefined ? { sr } : {}),
  };
}

export async function connect(connection: HostConnection): Promise<Hypervisor> {
  return XenHypervisor.connect(xenSettings(connection));
}
