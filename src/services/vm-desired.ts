/**
 * The desired state of one VM, translated once from the module options (snake_case, GiB, seconds) into driver terms
 * (camelCase, bytes, milliseconds). Creation defaults live here, not in the schema, so that an option left out never
 * reconfigures an existing VM.
 */
import { InvalidArgument } from '../core/errors';
import { normalizeMac } from '../core/mac';
import { gibibytes } from '../core/units';
import type { DiskSpec, MemorySpec, NicSpec, VmChanges, VmSpec } from '../drivers/types';
import type { VmOptions } from '../generated/vm';

export type VmTargetState = 'present' | 'absent' | 'started' | 'stopped' | 'restarted';

/** Hardware as asked (the reconfigurable fields of VmChanges, memory partly given); undefined keeps what the VM has. */
export interface VmDesired extends Omit<VmChanges, 'memory'> {
  readonly name: string;
  readonly state: VmTargetState;
  /** Act only on a VM recording this owner (vm-owner.ts); undefined = by name. */
  readonly owner?: string;
  /** Fields left undefined keep what the VM has (or the creation default). */
  readonly generation?: 1 | 2;
  readonly memory?: Partial<MemorySpec>;
  readonly path?: string;
  /** Image the OS disk is made from, when asked (used for the name-collision check too). */
  readonly image?: string;
  readonly disks: readonly DiskSpec[];
  readonly nics: readonly NicSpec[];
  readonly clusterRole?: boolean;
  readonly force: boolean;
  readonly shutdownTimeoutMs: number;
  readonly allowPowerCycle: boolean;
  readonly keepOnFailure: boolean;
  readonly waitForIp: boolean;
  readonly waitTimeoutMs: number;
}

export const CREATE_DEFAULTS = { generation: 2, cpuCount: 2, memoryMb: 2048 } as const;

/** The vm module's options (generated from its schema); the connection options are read apart. */
export function vmDesiredFromOptions(o: VmOptions): VmDesired {
  const disks: DiskSpec[] = [];
  if (o.image) {
    disks.push({
      name: 'os',
      image: o.image,
      clone: o.clone ?? 'differencing',
      ...(o.os_disk_size_gb !== undefined && { sizeBytes: gibibytes(o.os_disk_size_gb) }),
    });
  } else if (o.os_disk_size_gb !== undefined) {
    throw new InvalidArgument(
      "option 'os_disk_size_gb' needs 'image' (the OS disk is made from it)",
      'os_disk_size_gb',
    );
  }
  (o.disks ?? []).forEach((d, i) => {
    if (disks.some((x) => x.name === d.name))
      throw new InvalidArgument(`disk name '${d.name}' is used twice`, `disks[${i}].name`);
    if (d.image && d.path) throw new InvalidArgument("a disk takes 'image' or 'path', not both", `disks[${i}]`);
    if (!d.image && !d.path && d.size_gb === undefined) {
      throw new InvalidArgument(`disk '${d.name}' needs 'size_gb', 'image' or 'path'`, `disks[${i}]`);
    }
    disks.push({
      name: d.name,
      ...(d.image !== undefined && { image: d.image, clone: d.clone ?? 'differencing' }),
      ...(d.path !== undefined && { path: d.path }),
      ...(d.size_gb !== undefined && { sizeBytes: gibibytes(d.size_gb) }),
    });
  });
  const nics: NicSpec[] = (o.nics ?? []).map((n, i) => ({
    name: n.name ?? `nic${i}`,
    network: n.network,
    ...(n.vlan_id !== undefined && { vlanId: n.vlan_id }),
    ...(n.mac !== undefined && { mac: normalizeMac(n.mac) }),
  }));
  nics.forEach((n, i) => {
    if (nics.findIndex((x) => x.name === n.name) !== i)
      throw new InvalidArgument(`NIC name '${n.name}' is used twice`, `nics[${i}].name`);
  });

  const dynamic = o.dynamic_memory;
  if (o.memory_min_mb !== undefined && o.memory_max_mb !== undefined && o.memory_min_mb > o.memory_max_mb) {
    throw new InvalidArgument('memory_min_mb must not exceed memory_max_mb', 'memory_min_mb');
  }
  if (dynamic && o.memory_mb !== undefined) {
    if (o.memory_min_mb !== undefined && o.memory_mb < o.memory_min_mb)
      throw new InvalidArgument('memory_mb is below memory_min_mb', 'memory_mb');
    if (o.memory_max_mb !== undefined && o.memory_mb > o.memory_max_mb)
      throw new InvalidArgument('memory_mb is above memory_max_mb', 'memory_mb');
  }
  const memory: Partial<MemorySpec> = Object.fromEntries(
    Object.entries({
      startupMb: o.memory_mb,
      dynamic,
      minimumMb: o.memory_min_mb,
      maximumMb: o.memory_max_mb,
      bufferPercent: o.memory_buffer_percent,
    }).filter(([, v]) => v !== undefined),
  );

  return {
    name: o.name,
    state: o.state ?? 'present',
    generation: o.generation,
    cpuCount: o.cpu_count,
    memory: Object.keys(memory).length ? memory : undefined,
    secureBoot: o.secure_boot,
    tpm: o.tpm,
    bootOrder: o.boot_order,
    automaticStartAction: o.automatic_start_action,
    automaticStopAction: o.automatic_stop_action,
    notes: o.notes,
    ...(o.owner !== undefined && { owner: o.owner }),
    tags: o.tags,
    path: o.path,
    image: o.image,
    disks,
    nics,
    clusterRole: o.cluster_role,
    force: o.force ?? false,
    shutdownTimeoutMs: (o.shutdown_timeout ?? 300) * 1000,
    allowPowerCycle: o.allow_power_cycle ?? false,
    keepOnFailure: o.keep_on_failure ?? false,
    waitForIp: o.wait_for_ip ?? false,
    waitTimeoutMs: (o.wait_timeout ?? 600) * 1000,
  };
}

/** The full spec for a new VM: what was asked plus the creation defaults. */
export function vmSpecFor(d: VmDesired): VmSpec {
  const startupMb = d.memory?.startupMb ?? CREATE_DEFAULTS.memoryMb;
  return {
    name: d.name,
    generation: d.generation ?? CREATE_DEFAULTS.generation,
    cpuCount: d.cpuCount ?? CREATE_DEFAULTS.cpuCount,
    memory: { ...d.memory, startupMb, dynamic: d.memory?.dynamic ?? false },
    ...(d.secureBoot !== undefined && { secureBoot: d.secureBoot }),
    ...(d.tpm !== undefined && { tpm: d.tpm }),
    ...(d.bootOrder !== undefined && { bootOrder: d.bootOrder }),
    ...(d.automaticStartAction !== undefined && { automaticStartAction: d.automaticStartAction }),
    ...(d.automaticStopAction !== undefined && { automaticStopAction: d.automaticStopAction }),
    ...(d.notes !== undefined && { notes: d.notes }),
    tags: d.tags ?? [],
    disks: d.disks,
    // vlan_id 0 (remove the VLAN) on a new NIC means untagged.
    nics: d.nics.map(({ vlanId, ...nic }) => (vlanId ? { ...nic, vlanId } : nic)),
    ...(d.path !== undefined && { path: d.path }),
  };
}
