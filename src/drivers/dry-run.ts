/**
 * Check mode as a driver. `recording(inner, { dryRun })` wraps a real `Hypervisor` and describes every write as one
 * line of a `changes` list. Live, the write runs and its line is recorded once it succeeded. Dry, reads pass through
 * and writes are only recorded; they return what the real driver would plausibly return, and later reads see them
 * (a VM "created" in a dry run can be "started" by the next step), so services run unchanged in check mode and report
 * exactly the operations they would perform. No service ever asks whether it is in check mode.
 */
import type {
  CheckpointInfo,
  DiskInfo,
  DiskSpec,
  GuestChannel,
  Hypervisor,
  ImageKind,
  NicInfo,
  NicSpec,
  PowerState,
  StreamPublishOptions,
  VmChanges,
  VmInfo,
  VmSpec,
} from './types';

export interface RecordingHypervisor extends Hypervisor {
  /** Operations performed (live) or intended (dry run), in order. */
  readonly changes: readonly string[];
  readonly dryRun: boolean;
  /** Records an operation that does not go through a single driver write (e.g. a whole sealed exchange). */
  record(line: string): void;
}

const DRY = 'dry-run-';
const MiB = 1024 * 1024;
const gib = (b: number | undefined): string =>
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

export function recording(inner: Hypervisor, options: { readonly dryRun: boolean }): RecordingHypervisor {
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

  const vms: Hypervisor['vms'] = {
    async listVms() {
      const listed = (await inner.vms.listVms()).filter((vm) => !deleted.has(vm.id));
      const extra = [...vmsById.values()].filter((vm) => !deleted.has(vm.id) && !listed.some((l) => l.id === vm.id));
      return [...listed.map((vm) => vmsById.get(vm.id) ?? vm), ...extra];
    },
    async findVm({ ref }) {
      if ('id' in ref) return current(ref.id);
      for (const vm of vmsById.values()) if (vm.name === ref.name && !deleted.has(vm.id)) return vm;
      const found = await inner.vms.findVm({ ref });
      return found && !deleted.has(found.id) ? (vmsById.get(found.id) ?? found) : undefined;
    },
    createVm: ({ spec }) =>
      act(
        describeVmSpec(spec),
        () => inner.vms.createVm({ spec }),
        async () => {
          const vm: VmInfo = {
            id: nextId('vm'),
            name: spec.name,
            state: 'off',
            generation: spec.generation,
            cpuCount: spec.cpuCount,
            memory: spec.memory,
            secureBoot: spec.secureBoot,
            tpm: spec.tpm,
            bootOrder: spec.bootOrder,
            automaticStartAction: spec.automaticStartAction,
            automaticStopAction: spec.automaticStopAction,
            notes: spec.notes,
            tags: spec.tags ?? [],
            disks: spec.disks.map(diskInfo),
            nics: spec.nics.map((n) => nicInfo(n)),
            ipAddresses: [],
          };
          vmsById.set(vm.id, vm);
          return vm;
        },
      ),
    reconfigureVm: ({ id, changes: wanted }) =>
      act(
        async () => `reconfigure VM '${await nameOf(id)}': ${describeVmChanges(wanted)}`,
        () => inner.vms.reconfigureVm({ id, changes: wanted }),
        async () => {
          const set = Object.fromEntries(Object.entries(wanted).filter(([, v]) => v !== undefined));
          await patch(id, (vm) => ({ ...vm, ...set }));
          const vm = await current(id);
          if (!vm) throw new Error(`dry run: VM ${id} is gone`);
          return vm;
        },
      ),
    deleteVm: ({ id, removeOwnedDisks }) =>
      act(
        async () => {
          const vm = await current(id);
          const owned = vm?.disks.filter((d) => d.owned).length ?? 0;
          return `delete VM '${vm?.name ?? id}'${removeOwnedDisks && owned ? ` and its ${owned} owned disk(s)` : ''}`;
        },
        () => inner.vms.deleteVm({ id, removeOwnedDisks }),
        async () => {
          deleted.add(id);
        },
      ),
  };

  const power: Hypervisor['power'] = {
    start: ({ id }) =>
      act(
        async () => `start VM '${await nameOf(id)}'`,
        () => inner.power.start({ id }),
        () => setState(id, 'running'),
      ),
    shutdown: (o) =>
      act(
        async () =>
          `shut down VM '${await nameOf(o.id)}'${o.force ? ', turning it off if the guest does not respond' : ''}`,
        () => inner.power.shutdown(o),
        async () => (await setState(o.id, 'off'), { forced: false }),
      ),
    turnOff: ({ id }) =>
      act(
        async () => `turn off VM '${await nameOf(id)}'`,
        () => inner.power.turnOff({ id }),
        () => setState(id, 'off'),
      ),
    restart: (o) =>
      act(
        async () => `restart VM '${await nameOf(o.id)}'`,
        () => inner.power.restart(o),
        () => setState(o.id, 'running'),
      ),
    save: ({ id }) =>
      act(
        async () => `save VM '${await nameOf(id)}'`,
        () => inner.power.save({ id }),
        () => setState(id, 'saved'),
      ),
  };

  const disks: Hypervisor['disks'] = {
    addDisk: ({ vmId, disk }) =>
      act(
        async () => `add disk ${describeDisk(disk)} to VM '${await nameOf(vmId)}'`,
        () => inner.disks.addDisk({ vmId, disk }),
        async () => {
          const info = diskInfo(disk);
          await patch(vmId, (vm) => ({ ...vm, disks: [...vm.disks, info] }));
          return info;
        },
      ),
    removeDisk: (o) =>
      act(
        async () =>
          `remove disk '${o.name}' from VM '${await nameOf(o.vmId)}'${o.deleteFile ? ' and delete its file' : ''}`,
        () => inner.disks.removeDisk(o),
        () => patch(o.vmId, (vm) => ({ ...vm, disks: vm.disks.filter((d) => d.name !== o.name) })),
      ),
    resizeDisk: (o) =>
      act(
        async () => `grow disk '${o.name}' of VM '${await nameOf(o.vmId)}' to ${gib(o.sizeBytes)}`,
        () => inner.disks.resizeDisk(o),
        async () => {
          const before = (await current(o.vmId))?.disks.find((d) => d.name === o.name);
          const after: DiskInfo = { ...(before ?? { name: o.name, path: '', owned: true }), sizeBytes: o.sizeBytes };
          await patch(o.vmId, (vm) => ({ ...vm, disks: vm.disks.map((d) => (d.name === o.name ? after : d)) }));
          return after;
        },
      ),
  };

  const nics: Hypervisor['nics'] = {
    addNic: ({ vmId, nic }) =>
      act(
        async () => `add NIC ${describeNic(nic)} to VM '${await nameOf(vmId)}'`,
        () => inner.nics.addNic({ vmId, nic }),
        async () => {
          const info = nicInfo(nic);
          await patch(vmId, (vm) => ({ ...vm, nics: [...vm.nics, info] }));
          return info;
        },
      ),
    removeNic: (o) =>
      act(
        async () => `remove NIC '${o.name}' from VM '${await nameOf(o.vmId)}'`,
        () => inner.nics.removeNic(o),
        () => patch(o.vmId, (vm) => ({ ...vm, nics: vm.nics.filter((n) => n.name !== o.name) })),
      ),
    setNic: ({ vmId, nic }) =>
      act(
        async () => `set NIC ${describeNic(nic)} of VM '${await nameOf(vmId)}'`,
        () => inner.nics.setNic({ vmId, nic }),
        async () => {
          const previous = (await current(vmId))?.nics.find((n) => n.name === nic.name);
          const info = nicInfo(nic, previous);
          await patch(vmId, (vm) => ({ ...vm, nics: vm.nics.map((n) => (n.name === nic.name ? info : n)) }));
          return info;
        },
      ),
  };

  const images: Hypervisor['images'] = {
    listImages: () => inner.images.listImages(),
    findImage: (o) => inner.images.findImage(o),
    publishImage: (o) =>
      act(
        `publish image '${o.name}' from ${o.localPath}`,
        () => inner.images.publishImage(o),
        async () => ({
          image: { name: o.name, path: `(library)/${o.name}`, sha256: o.sha256 ?? '', sizeBytes: 0 },
          skipped: false,
          resumedFromBytes: 0,
          sentBytes: 0,
        }),
      ),
    ...(inner.images.removeImage && {
      removeImage: (o: { readonly name: string; readonly kind: ImageKind }) =>
        act(
          `remove ${o.kind === 'iso' ? 'ISO' : 'image'} '${o.name}' from the library`,
          () => inner.images.removeImage!(o),
          async () => true,
        ),
    }),
    ...(inner.images.publishImageStream && {
      publishImageStream: (o: StreamPublishOptions) =>
        act(
          `publish image '${o.name}' as it downloads`,
          () => inner.images.publishImageStream!(o),
          async () => {
            o.body.destroy();
            return {
              image: { name: o.name, path: `(library)/${o.name}`, sha256: '', sizeBytes: 0 },
              skipped: false,
              resumedFromBytes: 0,
              sentBytes: 0,
            };
          },
        ),
    }),
  };

  const media: Hypervisor['media'] = {
    attachIso: (o) =>
      act(
        async () => `attach ISO ${o.path} to VM '${await nameOf(o.vmId)}'`,
        () => inner.media.attachIso(o),
        () => patch(o.vmId, (vm) => ({ ...vm, dvd: o.path })),
      ),
    detachIso: (o) =>
      act(
        async () => `detach ISO from VM '${await nameOf(o.vmId)}'`,
        () => inner.media.detachIso(o),
        () => patch(o.vmId, (vm) => ({ ...vm, dvd: undefined })),
      ),
  };

  const listCheckpoints = async (vmId: string): Promise<readonly CheckpointInfo[]> =>
    checkpointLists.get(vmId) ?? (simulatedOnly(vmId) ? [] : inner.checkpoints.listCheckpoints({ vmId }));
  const checkpoints: Hypervisor['checkpoints'] = {
    listCheckpoints: ({ vmId }) => listCheckpoints(vmId),
    createCheckpoint: (o) =>
      act(
        async () => `create checkpoint '${o.name}' of VM '${await nameOf(o.vmId)}'`,
        () => inner.checkpoints.createCheckpoint(o),
        async () => {
          const info: CheckpointInfo = { id: nextId('checkpoint'), name: o.name, createdAt: new Date().toISOString() };
          checkpointLists.set(o.vmId, [...(await listCheckpoints(o.vmId)), info]);
          return info;
        },
      ),
    applyCheckpoint: (o) =>
      act(
        async () => `apply checkpoint '${o.name}' to VM '${await nameOf(o.vmId)}'`,
        () => inner.checkpoints.applyCheckpoint(o),
        async () => undefined,
      ),
    removeCheckpoint: (o) =>
      act(
        async () => `remove checkpoint '${o.name}' of VM '${await nameOf(o.vmId)}'`,
        () => inner.checkpoints.removeCheckpoint(o),
        async () => {
          checkpointLists.set(
            o.vmId,
            (await listCheckpoints(o.vmId)).filter((c) => c.name !== o.name),
          );
        },
      ),
  };

  const cluster: Hypervisor['cluster'] = {
    hasRole: async ({ vmId }) => roles.get(vmId) ?? (simulatedOnly(vmId) ? false : inner.cluster.hasRole({ vmId })),
    addRole: ({ vmId }) =>
      act(
        async () => `make VM '${await nameOf(vmId)}' a failover cluster role`,
        () => inner.cluster.addRole({ vmId }),
        async () => {
          roles.set(vmId, true);
        },
      ),
    removeRole: ({ vmId }) =>
      act(
        async () => `remove the failover cluster role of VM '${await nameOf(vmId)}'`,
        () => inner.cluster.removeRole({ vmId }),
        async () => {
          roles.set(vmId, false);
        },
      ),
  };

  const guestChannel = ({ vmId }: { readonly vmId: string }): GuestChannel => {
    const real = simulatedOnly(vmId) ? undefined : inner.guestChannel({ vmId });
    // Channel traffic is part of one exchange, which the guest-config service records as a single change.
    return {
      readGuestItems: async () => (real ? real.readGuestItems() : new Map()),
      listHostItems: async () => (real ? real.listHostItems() : []),
      writeHostItems: async (items) => (live && real ? real.writeHostItems(items) : undefined),
      removeHostItems: async (keys) => (live && real ? real.removeHostItems(keys) : undefined),
    };
  };

  return {
    type: inner.type,
    dryRun: !live,
    record: (line: string) => void changes.push(line),
    get changes() {
      return changes;
    },
    facts: () => inner.facts(),
    vms,
    power,
    disks,
    nics,
    images,
    media,
    checkpoints,
    cluster,
    guestChannel,
    // Reading how to reach a console changes nothing, in check mode too.
    ...(inner.console !== undefined ? { console: inner.console } : {}),
    guestAddresses: async ({ vmId }) => (simulatedOnly(vmId) ? [] : inner.guestAddresses({ vmId })),
    close: () => inner.close(),
  };
}
