/**
 * Drivers name the field of the call's options they refuse (`disks[1].sizeBytes`, `nic.mac`, `localPath`); modules
 * name their own options. `withOptionNames` runs a driver call and renames that field to the module's option, on an
 * InvalidArgument's `option` and on `details.option` of any other virtseal error, so no error a module reports names
 * an option that module does not have. The driver's field stays in `details.field`.
 */
import { InvalidArgument, isVirtsealError } from '../core/errors';
import type { VmDesired } from './vm-desired';

/** Field of a driver call → module option (undefined: leave the error as it is). */
export type OptionOf = (field: string) => string | undefined;

export async function withOptionNames<T>(optionOf: OptionOf, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw renameField(error, optionOf);
  }
}

export function renameField(error: unknown, optionOf: OptionOf): unknown {
  if (!isVirtsealError(error)) return error;
  const invalid = error instanceof InvalidArgument;
  const field = invalid ? error.option : typeof error.details.option === 'string' ? error.details.option : undefined;
  const option = field === undefined ? undefined : optionOf(field);
  if (option === undefined || option === field) return error;
  // The same error (class, message, stack), naming the module's option.
  if (invalid) Object.defineProperty(error, 'option', { value: option });
  Object.defineProperty(error, 'details', { value: { ...error.details, option, field } });
  return error;
}

/** Leaf fields of disk and NIC specs whose module option is spelt otherwise. */
const LEAF_OPTIONS: Readonly<Record<string, string>> = { sizeBytes: 'size_gb', vlanId: 'vlan_id', vmId: 'vm' };

/** One disk or NIC module (`disk.sizeBytes`, `sizeBytes`, `vmId` → `size_gb`, `size_gb`, `vm`). */
export const deviceOptionOf: OptionOf = (field) => {
  const leaf = field.replace(/^(disk|nic)\./, '');
  return LEAF_OPTIONS[leaf] ?? leaf;
};

const VM_OPTIONS: Readonly<Record<string, string>> = {
  name: 'name',
  generation: 'generation',
  cpuCount: 'cpu_count',
  memory: 'memory_mb',
  'memory.startupMb': 'memory_mb',
  'memory.dynamic': 'dynamic_memory',
  'memory.minimumMb': 'memory_min_mb',
  'memory.maximumMb': 'memory_max_mb',
  'memory.bufferPercent': 'memory_buffer_percent',
  secureBoot: 'secure_boot',
  tpm: 'tpm',
  bootOrder: 'boot_order',
  automaticStartAction: 'automatic_start_action',
  automaticStopAction: 'automatic_stop_action',
  notes: 'notes',
  tags: 'tags',
  path: 'path',
};

/**
 * The vm module: spec fields of createVm and reconfigureVm, and `disks[i]`/`nics[i]` of the spec. The OS disk made
 * from `image` comes first in the spec (vm-desired), so the spec's disks[i] is the module's disks[i - 1] then.
 */
export function vmOptionOf(desired: Pick<VmDesired, 'image'>): OptionOf {
  const osDisks = desired.image !== undefined ? 1 : 0;
  return (field) => {
    const device = /^(disks|nics)\[(\d+)\](?:\.(\w+))?$/.exec(field);
    if (!device) return VM_OPTIONS[field];
    const [, list, index, leaf] = device as unknown as [string, 'disks' | 'nics', string, string | undefined];
    const i = Number(index);
    if (list === 'disks' && i < osDisks)
      return leaf === 'sizeBytes' ? 'os_disk_size_gb' : leaf === 'clone' ? 'clone' : 'image';
    const at = `${list}[${list === 'disks' ? i - osDisks : i}]`;
    return leaf === undefined ? at : `${at}.${LEAF_OPTIONS[leaf] ?? leaf}`;
  };
}

/**
 * A per-device call of the vm service in spec terms: `disk.sizeBytes` of addDisk, or `sizeBytes` of resizeDisk, is
 * `disks[index].sizeBytes` of the spec. The VM's id is not an option.
 */
export function atIndex(optionOf: OptionOf, list: 'disks' | 'nics', index: number): OptionOf {
  return (field) =>
    field === 'vmId' ? undefined : optionOf(`${list}[${index}].${field.replace(/^(disk|nic)\./, '')}`);
}
