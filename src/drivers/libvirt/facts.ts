/** Host facts: libvirt/QEMU versions, networks and bridges, storage pool space, VM count, virtualisation mode. */
import { posix } from 'node:path';
import type { HostFacts } from '../types';
import type { LibvirtContext } from './context';

export async function hostFacts(ctx: LibvirtContext): Promise<HostFacts> {
  const host = ctx.host;
  const hostname = (await host.virsh(['hostname'])).trim();
  const version = await host.virsh(['version', '--daemon']);
  const pick = (re: RegExp): string => re.exec(version)?.[1] ?? '';
  const networks = (await host.virsh(['net-list', '--all', '--name']))
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const bridges = await host.runner.run([
    'find',
    '/sys/class/net/',
    '-mindepth',
    '2',
    '-maxdepth',
    '2',
    '-name',
    'bridge',
    '-printf',
    '%h\\n',
  ]);
  const vmCount = (await host.virsh(['list', '--all', '--uuid'])).split('\n').filter((l) => l.trim()).length;
  const df = await host.runner.run(['df', '-B1', '--output=avail,size', '--', ctx.poolPath]);
  const dfParent =
    df.code === 0 ? df : await host.runner.run(['df', '-B1', '--output=avail,size', '--', posix.dirname(ctx.poolPath)]);
  const [avail, size] = (dfParent.stdout.trim().split('\n')[1] ?? '0 0').trim().split(/\s+/).map(Number);
  return {
    hypervisor: 'libvirt',
    hostname,
    version: pick(/Running against daemon:\s*(\S+)/) || pick(/Using library: libvirt (\S+)/),
    switches: [
      ...networks.map((n) => ({ name: n, type: 'network' })),
      ...bridges.stdout
        .split('\n')
        .filter(Boolean)
        .map((p) => ({ name: `bridge:${posix.basename(p)}`, type: 'bridge' })),
    ],
    storage: [{ path: ctx.poolPath, freeBytes: avail ?? 0, ...(size ? { totalBytes: size } : {}) }],
    vmCount,
    extra: {
      uri: host.uri,
      hypervisorVersion: pick(/Running hypervisor:\s*(.+)/).trim(),
      libvirtVersion: pick(/Running against daemon:\s*(\S+)/),
      domainType: ctx.domainType,
    },
  };
}

/**
 * `kvm` only where the CPU offers hardware virtualisation. A /dev/kvm without vmx/svm (nested PVM, for one)
 * cannot run a stock guest kernel, so such hosts get TCG (`qemu`).
 */
export async function detectDomainType(ctx: Pick<LibvirtContext, 'host'>): Promise<'kvm' | 'qemu'> {
  const kvm = await ctx.host.runner.run(['test', '-c', '/dev/kvm']);
  if (kvm.code !== 0) return 'qemu';
  const flags = await ctx.host.runner.run(['grep', '-m1', '-wE', 'vmx|svm', '/proc/cpuinfo']);
  return flags.code === 0 ? 'kvm' : 'qemu';
}
