/** Checks of values before they reach the host; each failure names the option. Values stay data either way. */
import { InvalidArgument } from '../../core/errors';
import type { DiskSpec, MemorySpec, NicSpec } from '../types';

export function checkVmName(name: string, option = 'name'): void {
  if (typeof name !== 'string' || name.trim() === '') throw new InvalidArgument(`${option} must not be empty`, option);
  if ([...name].length > 100) throw new InvalidArgument(`${option} is longer than Hyper-V's 100 characters`, option);
}

export function checkDiskName(name: string, option = 'disks.name'): void {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(name)) {
    throw new InvalidArgument(`${option} ${JSON.stringify(name.slice(0, 50))} must be 1-40 letters, digits, '-' or '_'`, option);
  }
}

export function checkImageName(name: string, option = 'image'): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name) || name.includes('..')) {
    throw new InvalidArgument(`${option} ${JSON.stringify(name.slice(0, 50))} must be a plain file name (letters, digits, . _ -)`, option);
  }
}

export function checkMemory(memory: MemorySpec, option = 'memory'): void {
  const positive = (v: number | undefined, what: string): void => {
    if (v !== undefined && (!Number.isInteger(v) || v <= 0)) throw new InvalidArgument(`${option}.${what} must be a positive whole number of MiB`, `${option}.${what}`);
  };
  // Hyper-V assigns memory in 2 MB steps and refuses other sizes ("The memory value assigned ... is not properly aligned").
  const even = (v: number | undefined, what: string): void => {
    positive(v, what);
    if (v !== undefined && v % 2 !== 0) throw new InvalidArgument(`${option}.${what} must be an even number of MiB (Hyper-V assigns memory in 2 MB steps)`, `${option}.${what}`);
  };
  even(memory.startupMb, 'startup_mb');
  even(memory.minimumMb, 'minimum_mb');
  even(memory.maximumMb, 'maximum_mb');
  if (memory.dynamic && memory.minimumMb !== undefined && memory.maximumMb !== undefined && memory.minimumMb > memory.maximumMb) {
    throw new InvalidArgument(`${option}.minimum_mb is larger than ${option}.maximum_mb`, `${option}.minimum_mb`);
  }
  if (memory.bufferPercent !== undefined && (memory.bufferPercent < 5 || memory.bufferPercent > 2000)) {
    throw new InvalidArgument(`${option}.buffer_percent must be between 5 and 2000`, `${option}.buffer_percent`);
  }
}

export function checkCpu(count: number, option = 'cpu_count'): void {
  if (!Number.isInteger(count) || count < 1 || count > 240) throw new InvalidArgument(`${option} must be between 1 and 240`, option);
}

export function checkDisk(disk: DiskSpec, option = 'disks'): void {
  checkDiskName(disk.name, `${option}.name`);
  if (disk.image !== undefined) checkImageName(disk.image, `${option}.image`);
  const sources = [disk.image, disk.path].filter((s) => s !== undefined).length;
  if (sources > 1) throw new InvalidArgument(`${option}: give image or path, not both`, `${option}.image`);
  if (sources === 0 && !disk.sizeBytes) throw new InvalidArgument(`${option}: a new empty disk needs a size`, `${option}.size`);
  if (disk.sizeBytes !== undefined && (!Number.isInteger(disk.sizeBytes) || disk.sizeBytes <= 0)) {
    throw new InvalidArgument(`${option}.size must be a positive number of bytes`, `${option}.size`);
  }
}

export function checkNic(nic: NicSpec, option = 'nics'): void {
  if (!nic.name || [...nic.name].length > 100) throw new InvalidArgument(`${option}.name must be 1-100 characters`, `${option}.name`);
  if (!nic.network) throw new InvalidArgument(`${option}.network (virtual switch) is required`, `${option}.network`);
  if (nic.vlanId !== undefined && (!Number.isInteger(nic.vlanId) || nic.vlanId < 0 || nic.vlanId > 4094)) {
    throw new InvalidArgument(`${option}.vlan_id must be between 0 and 4094`, `${option}.vlan_id`);
  }
  if (nic.mac !== undefined && !/^([0-9A-Fa-f]{2}[:-]?){5}[0-9A-Fa-f]{2}$/.test(nic.mac)) {
    throw new InvalidArgument(`${option}.mac must look like 00:15:5d:01:02:03`, `${option}.mac`);
  }
}
