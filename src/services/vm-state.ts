/**
 * Ensure one VM's state: create it from an image with hardware, disks and NICs (steps with undo), reconfigure what
 * differs (power-cycling only when allowed), set the cluster role, the power state, wait for an IP address, or
 * delete it with the disks it owns. Runs unchanged in check mode (the session's driver records instead of acting).
 */
import { Conflict, NotFound } from '../core/errors';
import { runSteps, type Step } from '../core/steps';
import type { VmInfo } from '../drivers/types';
import { explainFlowFailure } from './flow-error';
import { checkImages, type ImageOptionOf } from './image-check';
import { atIndex, vmOptionOf, withOptionNames } from './option-names';
import type { Session } from './session';
import { type VmDesired, vmSpecFor } from './vm-desired';
import { checkOwner, withOwnerTags } from './vm-owner';
import { planIsEmpty, planVm } from './vm-plan';
import { vmView, type VmView } from './vm-view';

export interface VmResult {
  readonly changed: boolean;
  readonly created: boolean;
  readonly vm?: VmView;
  readonly changes: readonly string[];
  readonly power_cycle_required: readonly string[];
  readonly forced?: boolean;
  readonly diff: { readonly before: VmView | Record<string, never>; readonly after: VmView | Record<string, never> };
  readonly msg: string;
}

export interface VmServiceHooks {
  warn(message: string): void;
}

const isOn = (vm: VmInfo): boolean => vm.state !== 'off' && vm.state !== 'saved';

export async function ensureVm(session: Session, asked: VmDesired, hooks: VmServiceHooks): Promise<VmResult> {
  const { hv } = session;
  const before = await hv.vms.findVm({ ref: { name: asked.name } });
  if (before && asked.owner !== undefined) checkOwner(before, asked.owner, asked.state);
  const desired = withOwnerTags(asked, before);
  let created = false;
  let forced: boolean | undefined;
  let powerCycleRequired: readonly string[] = [];
  let vm: VmInfo | undefined = before;

  if (desired.state === 'absent') {
    if (vm) await deleteVm(session, vm, desired);
    vm = undefined;
  } else if (!vm) {
    vm = await createVm(session, desired, hooks);
    created = true;
  } else {
    await checkSameOrigin(session, vm, desired);
    powerCycleRequired = await reconfigure(session, vm, desired, hooks);
    vm = await reread(session, vm.id);
  }

  if (vm && desired.state !== 'absent') {
    forced = await setPower(session, vm, desired);
    vm = await reread(session, vm.id);
    if (desired.waitForIp && isOn(vm)) {
      const addresses = await session.waitForIp({ vmId: vm.id, vmName: vm.name, timeoutMs: desired.waitTimeoutMs });
      vm = { ...(await reread(session, vm.id)), ipAddresses: addresses };
    }
  }

  const changes = [...hv.changes];
  const after = vm ? vmView(vm) : undefined;
  return {
    changed: changes.length > 0,
    created,
    ...(after && { vm: after }),
    changes,
    power_cycle_required: powerCycleRequired,
    ...(forced !== undefined && { forced }),
    diff: { before: before ? vmView(before) : {}, after: after ?? {} },
    msg: summary(desired, changes, created, powerCycleRequired),
  };
}

function summary(desired: VmDesired, changes: readonly string[], created: boolean, pending: readonly string[]): string {
  const pendingText = pending.length ? `; needs a power cycle for ${pending.join(', ')}` : '';
  if (changes.length === 0)
    return `VM '${desired.name}' is already ${desired.state === 'absent' ? 'absent' : 'as asked'}${pendingText}`;
  if (desired.state === 'absent') return `VM '${desired.name}' deleted`;
  return `VM '${desired.name}' ${created ? 'created' : 'updated'} (${changes.length} change${changes.length > 1 ? 's' : ''})${pendingText}`;
}

async function reread(session: Session, id: string): Promise<VmInfo> {
  const vm = await session.hv.vms.findVm({ ref: { id } });
  if (!vm) throw new NotFound(`VM ${id} disappeared from the host during the run`);
  return vm;
}

/**
 * A VM virtseal made from an image has an `os` disk based on it. A VM of that name without one, or based on another
 * image, is somebody else's: refuse rather than reconfigure it.
 */
async function checkSameOrigin(session: Session, vm: VmInfo, desired: VmDesired): Promise<void> {
  if (!desired.image) return;
  const taken = (why: string): never => {
    throw new Conflict(`name taken: a VM named '${vm.name}' already exists on the host and ${why}`, {
      details: { option: 'name' },
    });
  };
  const os = vm.disks.find((d) => d.name === 'os');
  if (!os) taken(`has no OS disk made from image '${desired.image}'`);
  const image = await session.hv.images.findImage({ name: desired.image });
  if (os?.parentPath && image && os.parentPath.toLowerCase() !== image.path.toLowerCase()) {
    taken(`was not made from image '${desired.image}' (its OS disk is based on ${os.parentPath})`);
  }
}

/** The vm module's option a disk's image came from. */
const imageOption =
  (desired: VmDesired): ImageOptionOf =>
  (disk) =>
    atIndex(
      vmOptionOf(desired),
      'disks',
      desired.disks.findIndex((d) => d.name === disk.name),
    )('image')!;

async function createVm(session: Session, desired: VmDesired, hooks: VmServiceHooks): Promise<VmInfo> {
  const { hv } = session;
  await checkImages(session, desired.disks, imageOption(desired), (m) => hooks.warn(m));
  const context: { vm?: VmInfo } = {};
  const steps: Step<typeof context>[] = [
    {
      name: 'create VM',
      run: async (c) => {
        c.vm = await withOptionNames(vmOptionOf(desired), () => hv.vms.createVm({ spec: vmSpecFor(desired) }));
      },
      cleanup: async (c) => {
        if (c.vm) await hv.vms.deleteVm({ id: c.vm.id, removeOwnedDisks: true });
      },
    },
  ];
  if (desired.clusterRole) {
    steps.push({
      name: 'add cluster role',
      run: async (c) => hv.cluster.addRole({ vmId: c.vm!.id }),
      cleanup: async (c) => hv.cluster.removeRole({ vmId: c.vm!.id }),
    });
  }
  try {
    await runSteps(steps, context, { keepOnFailure: desired.keepOnFailure });
  } catch (error) {
    throw explainFlowFailure(error, `creating VM '${desired.name}'`);
  }
  return context.vm!;
}

async function reconfigure(
  session: Session,
  vm: VmInfo,
  desired: VmDesired,
  hooks: VmServiceHooks,
): Promise<readonly string[]> {
  const { hv } = session;
  const optionOf = vmOptionOf(desired);
  const disk = (name: string) =>
    atIndex(
      optionOf,
      'disks',
      desired.disks.findIndex((d) => d.name === name),
    );
  const nic = (name: string) =>
    atIndex(
      optionOf,
      'nics',
      desired.nics.findIndex((n) => n.name === name),
    );
  const plan = planVm(vm, desired);
  for (const w of plan.warnings) hooks.warn(w);
  // Cold changes apply in this run when the VM is off or is to be stopped or power-cycled anyway. A saved VM is not
  // off: Hyper-V and libvirt keep its memory and refuse off-only changes until its saved state is gone.
  const coldInThisRun = vm.state === 'off' || desired.state === 'stopped' || desired.allowPowerCycle;
  // A NIC whose MAC changes then gets its switch and VLAN with the MAC, in one change.
  const nicsSetCold = new Set(coldInThisRun ? plan.coldNics.map((n) => n.name) : []);
  const applyCold = async (): Promise<void> => {
    if (Object.keys(plan.cold).length)
      await withOptionNames(optionOf, () => hv.vms.reconfigureVm({ id: vm.id, changes: plan.cold }));
    for (const n of plan.coldNics) await withOptionNames(nic(n.name), () => hv.nics.setNic({ vmId: vm.id, nic: n }));
  };
  if (!planIsEmpty(plan)) {
    await checkImages(session, plan.addDisks, imageOption(desired), (m) => hooks.warn(m));
    if (Object.keys(plan.hot).length)
      await withOptionNames(optionOf, () => hv.vms.reconfigureVm({ id: vm.id, changes: plan.hot }));
    for (const d of plan.addDisks)
      await withOptionNames(disk(d.name), () => hv.disks.addDisk({ vmId: vm.id, disk: d }));
    for (const grow of plan.growDisks) {
      await withOptionNames(disk(grow.name), () =>
        hv.disks.resizeDisk({ vmId: vm.id, name: grow.name, sizeBytes: grow.sizeBytes as never }),
      );
    }
    for (const n of plan.addNics) await withOptionNames(nic(n.name), () => hv.nics.addNic({ vmId: vm.id, nic: n }));
    for (const n of plan.setNics)
      if (!nicsSetCold.has(n.name)) await withOptionNames(nic(n.name), () => hv.nics.setNic({ vmId: vm.id, nic: n }));
  }
  let pending: readonly string[] = [];
  if (plan.coldOptions.length) {
    if (vm.state === 'off') {
      await applyCold();
    } else if (desired.state === 'stopped') {
      // It is being stopped anyway: stop first (a saved VM's state is discarded, as stopping it does), then apply.
      if (vm.state === 'saved') await hv.power.turnOff({ id: vm.id });
      else await hv.power.shutdown({ id: vm.id, timeoutMs: desired.shutdownTimeoutMs, force: desired.force });
      await applyCold();
    } else if (desired.allowPowerCycle) {
      // A saved VM resumes first, so its guest shuts down cleanly instead of losing its saved memory.
      if (vm.state === 'saved') await hv.power.start({ id: vm.id });
      await hv.power.shutdown({ id: vm.id, timeoutMs: desired.shutdownTimeoutMs, force: desired.force });
      await applyCold();
      // Power state is restored below by setPower for started/restarted; for present we bring it back here.
      if (desired.state === 'present') await hv.power.start({ id: vm.id });
    } else {
      pending = plan.coldOptions;
      const how =
        vm.state === 'saved'
          ? 'set allow_power_cycle: true (resumes, shuts down and starts it) or state: stopped (discards the saved state)'
          : 'set allow_power_cycle: true or stop it first';
      hooks.warn(`VM '${vm.name}' is ${vm.state}: ${pending.join(', ')} change only with the VM off; ${how}`);
    }
  }
  if (
    desired.clusterRole !== undefined &&
    (vm.clusterRole ?? (await hv.cluster.hasRole({ vmId: vm.id }))) !== desired.clusterRole
  ) {
    await (desired.clusterRole ? hv.cluster.addRole({ vmId: vm.id }) : hv.cluster.removeRole({ vmId: vm.id }));
  }
  return pending;
}

async function setPower(session: Session, vm: VmInfo, desired: VmDesired): Promise<boolean | undefined> {
  const { hv } = session;
  switch (desired.state) {
    case 'started':
      if (vm.state !== 'running') await hv.power.start({ id: vm.id });
      return undefined;
    case 'stopped':
      if (vm.state === 'off') return undefined;
      if (vm.state === 'saved') {
        await hv.power.turnOff({ id: vm.id });
        return undefined;
      }
      return (await hv.power.shutdown({ id: vm.id, timeoutMs: desired.shutdownTimeoutMs, force: desired.force }))
        .forced;
    case 'restarted':
      if (vm.state === 'running')
        await hv.power.restart({ id: vm.id, timeoutMs: desired.shutdownTimeoutMs, force: desired.force });
      else await hv.power.start({ id: vm.id });
      return undefined;
    default:
      return undefined;
  }
}

async function deleteVm(session: Session, vm: VmInfo, desired: VmDesired): Promise<void> {
  const { hv } = session;
  if (isOn(vm)) await hv.power.shutdown({ id: vm.id, timeoutMs: desired.shutdownTimeoutMs, force: desired.force });
  if (vm.clusterRole) await hv.cluster.removeRole({ vmId: vm.id });
  await hv.vms.deleteVm({ id: vm.id, removeOwnedDisks: true });
}
