/** One line per intended write, as the `changes` of a module result say it. */
import type { DiskSpec, NicSpec, VmChanges, VmSpec } from '../types';

const MiB = 1024 * 1024;
export const gib = (b: number | undefined): string =>
  b === undefined ? 'default-size' : `${Math.round((b / 1024 / MiB) * 10) / 10} GiB`;

export function describeVmSpec(spec: VmSpec): string {
  const mem = spec.memory.dynamic
    ? `${spec.memory.startupMb} MiB dynamic ${spec.memory.minimumMb ?? '?'}-${spec.memory.maximumMb ?? '?'} MiB`
    : `${spec.memory.startupMb} MiB`;
  const disks = spec.disks.map(describeDisk).join(', ');
  const nics = spec.nics.map(describeNic).join(', ');
  return `create VM '${spec.name}' (${spec.cpuCount} CPU, ${mem}; disks: ${disks || 'none'}; NICs: ${nics || 'none'})`;
}

export function describeDisk(d: DiskSpec): string {
  if (d.path) return `${d.name} = existing ${d.path}`;
  if (d.image)
    return `${d.name} = ${d.clone === 'copy' ? 'copy' : 'differencing disk'} of image '${d.image}'${d.sizeBytes ? ` grown to ${gib(d.sizeBytes)}` : ''}`;
  return `${d.name} = new ${gib(d.sizeBytes)}`;
}

export function describeNic(n: NicSpec): string {
  return `${n.name} on '${n.network}'${n.vlanId ? ` VLAN ${n.vlanId}` : ''}${n.mac ? ` MAC ${n.mac}` : ''}`;
}

export function describeVmChanges(changes: VmChanges): string {
  return Object.entries(changes)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}
