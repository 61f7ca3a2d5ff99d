/**
 * What the per-noun overlays share: the inner driver, the `changes` list, and a dry run's view of the VMs it touched
 * (created, patched, deleted), so later reads see earlier intended writes.
 */
import type { Hypervisor, CheckpointInfo, DiskInfo, DiskSpec, NicInfo, NicSpec, PowerState, VmInfo } from '../types';

const DRY = 'dry-run-';

export interface Recorder {
  readonly inner: Hypervisor;
  readonly live: boolean;
  readonly changes: string[];
  readonly vmsById: Map<string, VmInfo>;
  readonly deleted: Set<string>;
  readonly roles: Map<string, boolean>;
  readonly checkpointLists: Map<string, CheckpointInfo[]>;
  /** Live: run, then record. Dry: record, then simulate. */
  act<T>(line: string | (() => Promise<string>), run: () => Promise<T>, simulate: () => Promise<T>): Promise<T>;
  current(id: string): Promise<VmInfo | undefined>;
  nameOf(id: string): Promise<string>;
  patch(id: string, f: (vm: VmInfo) => VmInfo): Promise<void>;
  setState(id: string, state: PowerState): Promise<void>;
  nicInfo(nic: NicSpec, previous?: NicInfo): NicInfo;
  diskInfo(d: DiskSpec): DiskInfo;
  nextId(kind: string): string;
  /** True for an id only a dry run made up: the host has never heard of it. */
  simulatedOnly(id: string): boolean;
}

export function createRecorder(inner: Hypervisor, options: { readonly dryRun: boolean }): Recorder {
  const live = !options.dryRun;
  const changes: string[] = [];
  const vmsById = new Map<string, VmInfo>();
  const deleted = new Set<string>();
  const roles = new Map<string, boolean>();
  const checkpointLists = new Map<string, CheckpointInfo[]>();
  let counter = 0;
  const nextId = (kind: string): string => `${DRY}${kind}-${++counter}`;
  const simulatedOnly = (id: string): boolean => id.startsWith(DRY);

  /** Live: run, then record. Dry: record, then simulate. */
  async function act<T>(
    line: string | (() => Promise<string>),
    run: () => Promise<T>,
    simulate: () => Promise<T>,
  ): Promise<T> {
    const text = typeof line === 'string' ? line : await line();
    if (live) {
      const result = await run();
      changes.push(text);
      return result;
    }
    changes.push(text);
    return simulate();
  }

  const current = async (id: string): Promise<VmInfo | undefined> => {
    if (deleted.has(id)) return undefined;
    return vmsById.get(id) ?? (simulatedOnly(id) ? undefined : inner.vms.findVm({ ref: { id } }));
  };
  const nameOf = async (id: string): Promise<string> => (await current(id))?.name ?? id;
  const patch = async (id: string, f: (vm: VmInfo) => VmInfo): Promise<void> => {
    const vm = await current(id);
    if (vm) vmsById.set(id, f(vm));
  };
  const setState = (id: string, state: PowerState) => patch(id, (vm) => ({ ...vm, state }));
  const nicInfo = (nic: NicSpec, previous?: NicInfo): NicInfo => ({
    name: nic.name,
    network: nic.network,
    vlanId: nic.vlanId,
    mac: nic.mac ?? previous?.mac ?? '',
    staticMac: !!nic.mac || !!previous?.staticMac,
    ipAddresses: previous?.ipAddresses ?? [],
  });
  const diskInfo = (d: DiskSpec): DiskInfo => ({
    name: d.name,
    path: d.path ?? `(new disk ${d.name})`,
    sizeBytes: d.sizeBytes ?? 0,
    owned: !d.path,
  });

  return {
    inner,
    live,
    changes,
    vmsById,
    deleted,
    roles,
    checkpointLists,
    act,
    current,
    nameOf,
    patch,
    setState,
    nicInfo,
    diskInfo,
    nextId,
    simulatedOnly,
  };
}
