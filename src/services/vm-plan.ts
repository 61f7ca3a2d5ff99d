/**
 * What it takes to bring an existing VM to the desired configuration: hardware changes that apply at once ("hot"),
 * those that need the VM off ("cold", named by their option), disks to add or grow, NICs to add or change (a new
 * MAC address is cold: Hyper-V changes it only with the VM off, libvirt only by unplugging the adapter), and warnings
 * for what cannot change at all. What else a host changes only with the VM off (Hyper-V: automatic actions; disks and
 * NICs of a Generation 1 VM) its driver says (`VmDriver.offOnly`). Pure: no driver calls.
 */
import type { DiskSpec, MemorySpec, NicSpec, OffOnlyChanges, VmChanges, VmInfo } from '../drivers/types';
import { vmOptionOf } from './option-names';
import { normalizeMac } from '../core/mac';
import type { VmDesired } from './vm-desired';

export interface VmPlan {
  readonly hot: VmChanges;
  readonly cold: VmChanges;
  /** Option names of the cold changes, for `power_cycle_required`. */
  readonly coldOptions: readonly string[];
  readonly addDisks: readonly DiskSpec[];
  readonly growDisks: readonly { readonly name: string; readonly sizeBytes: number }[];
  readonly addNics: readonly NicSpec[];
  /** Switch or VLAN changes, which apply at once; each keeps the adapter's MAC setting as it is. */
  readonly setNics: readonly NicSpec[];
  /** NICs whose MAC address changes (cold, option `nics.<name>.mac`), each as fully desired (switch, VLAN, MAC). */
  readonly coldNics: readonly NicSpec[];
  /** Disks to add or grow and NICs to add that the host takes only with the VM off (options in `coldOptions`). */
  readonly coldAddDisks: readonly DiskSpec[];
  readonly coldGrowDisks: readonly { readonly name: string; readonly sizeBytes: number }[];
  readonly coldAddNics: readonly NicSpec[];
  readonly warnings: readonly string[];
}

const NOTHING_MORE: OffOnlyChanges = { fields: [], addDisk: false, growDisk: false, addNic: false };

/**
 * Is the asked boot order in effect? Hypervisors read back every boot device, not just the kinds asked for: Hyper-V
 * Generation 1 always lists CD, IDE, network and floppy; Generation 2 lists one entry per device and none for a kind
 * the VM has no device of. So the order is met when the kinds the VM has, in the asked order, lead the read-back list
 * (repeated kinds counted once).
 */
export function bootOrderSatisfied(desired: readonly string[], actual: readonly string[] | undefined): boolean {
  const seen = [...new Set(actual ?? [])];
  const wanted = desired.filter((k, i) => seen.includes(k) && desired.indexOf(k) === i);
  return wanted.every((k, i) => seen[i] === k);
}
const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);

function memoryChange(actual: MemorySpec, wanted: Partial<MemorySpec> | undefined): MemorySpec | undefined {
  if (!wanted) return undefined;
  const merged: MemorySpec = { ...actual, ...wanted } as MemorySpec;
  const keys: (keyof MemorySpec)[] = ['startupMb', 'dynamic', 'minimumMb', 'maximumMb', 'bufferPercent'];
  const differs = keys.some(
    (k) => wanted[k] !== undefined && (k === 'dynamic' ? !!actual[k] !== !!wanted[k] : actual[k] !== wanted[k]),
  );
  return differs ? merged : undefined;
}

/**
 * Hyper-V reports an enabled secure boot by its template, libvirt as plain "on" (its enrolled keys hold both
 * Microsoft certificates, so either template is met). "on" asks for secure boot with whatever template is set.
 */
function secureBootSatisfied(desired: string, actual: string | undefined): boolean {
  const current = actual ?? 'off';
  if (desired === 'off' || current === 'off') return desired === current;
  return desired === 'on' || current === 'on' || desired === current;
}

export function planVm(actual: VmInfo, desired: VmDesired, offOnly: OffOnlyChanges = NOTHING_MORE): VmPlan {
  const hot: Record<string, unknown> = {};
  const cold: Record<string, unknown> = {};
  const coldOptions: string[] = [];
  const warnings: string[] = [];

  if (desired.generation !== undefined && actual.generation !== undefined && desired.generation !== actual.generation) {
    warnings.push(`generation is fixed when a VM is created: '${actual.name}' stays generation ${actual.generation}`);
  }
  if (desired.cpuCount !== undefined && desired.cpuCount !== actual.cpuCount) {
    cold.cpuCount = desired.cpuCount;
    coldOptions.push('cpu_count');
  }
  const memory = memoryChange(actual.memory, desired.memory);
  if (memory) {
    cold.memory = memory;
    coldOptions.push(memory.dynamic !== !!actual.memory.dynamic ? 'dynamic_memory' : 'memory_mb');
  }
  if (desired.secureBoot !== undefined && !secureBootSatisfied(desired.secureBoot, actual.secureBoot)) {
    cold.secureBoot = desired.secureBoot;
    coldOptions.push('secure_boot');
  }
  if (desired.tpm !== undefined && desired.tpm !== !!actual.tpm) {
    cold.tpm = desired.tpm;
    coldOptions.push('tpm');
  }
  if (desired.bootOrder !== undefined && !bootOrderSatisfied(desired.bootOrder, actual.bootOrder)) {
    cold.bootOrder = desired.bootOrder;
    coldOptions.push('boot_order');
  }
  if (desired.automaticStartAction !== undefined && desired.automaticStartAction !== actual.automaticStartAction) {
    hot.automaticStartAction = desired.automaticStartAction;
  }
  if (desired.automaticStopAction !== undefined && desired.automaticStopAction !== actual.automaticStopAction) {
    hot.automaticStopAction = desired.automaticStopAction;
  }
  if (desired.notes !== undefined && desired.notes !== (actual.notes ?? '')) hot.notes = desired.notes;
  if (desired.tags !== undefined && !sameSet(desired.tags, actual.tags)) hot.tags = desired.tags;
  const optionOf = vmOptionOf(desired);
  for (const field of offOnly.fields) {
    if (!(field in hot)) continue;
    cold[field] = hot[field];
    delete hot[field];
    coldOptions.push(optionOf(field) ?? field);
  }

  const addDisks: DiskSpec[] = [];
  const growDisks: { name: string; sizeBytes: number }[] = [];
  for (const disk of desired.disks) {
    const have = actual.disks.find((d) => d.name === disk.name);
    if (!have) {
      addDisks.push(disk);
    } else if (disk.sizeBytes !== undefined && disk.sizeBytes > have.sizeBytes) {
      growDisks.push({ name: disk.name, sizeBytes: disk.sizeBytes });
    } else if (disk.sizeBytes !== undefined && disk.sizeBytes < have.sizeBytes) {
      warnings.push(`disk '${disk.name}' of '${actual.name}' is larger than asked; disks never shrink`);
    }
  }

  const addNics: NicSpec[] = [];
  const setNics: NicSpec[] = [];
  const coldNics: NicSpec[] = [];
  for (const nic of desired.nics) {
    const have = actual.nics.find((n) => n.name === nic.name);
    if (!have) {
      // vlan_id 0 (remove the VLAN) on a new NIC means untagged.
      const { vlanId, ...rest } = nic;
      addNics.push(vlanId ? { ...rest, vlanId } : rest);
      continue;
    }
    // An absent vlan_id leaves the NIC's VLAN alone (it may have been set with the nic module); 0 removes it.
    const vlanId = nic.vlanId === undefined ? have.vlanId : nic.vlanId || undefined;
    const vlanDiffers = (vlanId ?? 0) !== (have.vlanId ?? 0);
    const macDiffers = nic.mac !== undefined && (!have.staticMac || normalizeMac(have.mac) !== nic.mac);
    if (nic.network !== have.network || vlanDiffers) {
      // A NicSpec without a MAC asks for a dynamic one: keep a static MAC that was not asked to change.
      const { mac: _wanted, vlanId: _asked, ...rest } = nic;
      const spec: NicSpec = { ...rest, ...(vlanId !== undefined && { vlanId }) };
      setNics.push(have.staticMac ? { ...spec, mac: normalizeMac(have.mac) } : spec);
    }
    if (macDiffers) {
      const { vlanId: _asked, ...rest } = nic;
      coldNics.push({ ...rest, ...(vlanId !== undefined && { vlanId }) });
      coldOptions.push(`nics.${nic.name}.mac`);
    }
  }

  // Disk and NIC additions the host takes only with the VM off go with the cold changes, named by their option.
  const diskOption = (name: string): string =>
    name === 'os' && desired.image !== undefined ? 'os_disk_size_gb' : `disks.${name}.size_gb`;
  const coldAddDisks = offOnly.addDisk ? addDisks.splice(0) : [];
  const coldGrowDisks = offOnly.growDisk ? growDisks.splice(0) : [];
  const coldAddNics = offOnly.addNic ? addNics.splice(0) : [];
  coldOptions.push(
    ...coldAddDisks.map((d) => `disks.${d.name}`),
    ...coldGrowDisks.map((d) => diskOption(d.name)),
    ...coldAddNics.map((n) => `nics.${n.name}`),
  );

  return {
    hot,
    cold,
    coldOptions,
    addDisks,
    growDisks,
    addNics,
    setNics,
    coldNics,
    coldAddDisks,
    coldGrowDisks,
    coldAddNics,
    warnings,
  };
}

export const planIsEmpty = (p: VmPlan): boolean =>
  Object.keys(p.hot).length === 0 &&
  Object.keys(p.cold).length === 0 &&
  p.addDisks.length === 0 &&
  p.growDisks.length === 0 &&
  p.addNics.length === 0 &&
  p.setNics.length === 0 &&
  p.coldNics.length === 0 &&
  p.coldAddDisks.length === 0 &&
  p.coldGrowDisks.length === 0 &&
  p.coldAddNics.length === 0;
