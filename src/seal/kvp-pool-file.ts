/**
 * Linux hv_kvp_daemon pool files: a flat array of 2,560-byte records (512-byte key + 2,048-byte value, UTF-8,
 * NUL padded), no header. Used by tests, the Hyper-V simulator and anything that stands in for the host.
 *
 * Updates follow the daemon's own discipline: re-read the whole file, rewrite it whole, in place (same inode,
 * write then truncate), so the daemon's fcntl lock on its open descriptor keeps meaning something. The first
 * record of a key wins on read, and an update replaces that record where it is.
 */
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { GuestChannel } from '../drivers/types';

export const KEY_BYTES = 512;
export const VALUE_BYTES = 2048;
export const RECORD_BYTES = KEY_BYTES + VALUE_BYTES;

export type PoolEntry = readonly [key: string, value: string];

export const poolPath = (dir: string, pool: 0 | 1 | 2 | 3 | 4): string => join(dir, `.kvp_pool_${pool}`);

function field(buf: Buffer): string {
  const end = buf.indexOf(0);
  return buf.subarray(0, end === -1 ? buf.length : end).toString('utf8');
}

export function decodePool(bytes: Buffer): PoolEntry[] {
  const out: PoolEntry[] = [];
  for (let off = 0; off + RECORD_BYTES <= bytes.length; off += RECORD_BYTES) {
    out.push([field(bytes.subarray(off, off + KEY_BYTES)), field(bytes.subarray(off + KEY_BYTES, off + RECORD_BYTES))]);
  }
  return out;
}

export function encodePool(entries: readonly PoolEntry[]): Buffer {
  const out = Buffer.alloc(entries.length * RECORD_BYTES);
  entries.forEach(([key, value], i) => {
    const k = Buffer.from(key, 'utf8');
    const v = Buffer.from(value, 'utf8');
    if (k.length >= KEY_BYTES || k.length === 0) throw new RangeError(`KVP key of ${k.length} bytes does not fit a record`);
    if (v.length >= VALUE_BYTES) throw new RangeError(`KVP value of ${v.length} bytes under '${key}' does not fit a record`);
    k.copy(out, i * RECORD_BYTES);
    v.copy(out, i * RECORD_BYTES + KEY_BYTES);
  });
  return out;
}

export function readPool(path: string): PoolEntry[] {
  return existsSync(path) ? decodePool(readFileSync(path)) : [];
}

/** First record of each key wins, as in the daemon and the agents. */
export function readPoolMap(path: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const [k, v] of readPool(path)) if (!map.has(k)) map.set(k, v);
  return map;
}

/** Rewrites the file whole, in place. */
export function writePool(path: string, entries: readonly PoolEntry[]): void {
  const bytes = encodePool(entries);
  const fd = openSync(path, existsSync(path) ? 'r+' : 'w', 0o644);
  try {
    writeSync(fd, bytes, 0, bytes.length, 0);
    ftruncateSync(fd, bytes.length);
  } finally {
    closeSync(fd);
  }
}

/** Adds or replaces (in place, first record) the given items; later duplicates of those keys are dropped. */
export function upsertPoolItems(path: string, items: readonly PoolEntry[]): void {
  const entries = readPool(path).map((e) => [...e] as [string, string]);
  for (const [key, value] of items) {
    const first = entries.findIndex(([k]) => k === key);
    if (first === -1) entries.push([key, value]);
    else {
      entries[first] = [key, value];
      for (let i = entries.length - 1; i > first; i--) if (entries[i]![0] === key) entries.splice(i, 1);
    }
  }
  writePool(path, entries);
}

export function removePoolItems(path: string, keys: readonly string[]): void {
  if (!existsSync(path)) return;
  const drop = new Set(keys);
  writePool(path, readPool(path).filter(([k]) => !drop.has(k)));
}

/**
 * The host's view of a KVP directory as a GuestChannel: host items live in pool 0, guest items are read from
 * pool 1. This is what a Hyper-V host does through WMI, done on files.
 */
export function poolFileChannel(dir: string): GuestChannel {
  return {
    readGuestItems: async () => readPoolMap(poolPath(dir, 1)),
    writeHostItems: async (items) => {
      if (items.length > 128) throw new RangeError('at most 128 items per call');
      upsertPoolItems(poolPath(dir, 0), items);
    },
    removeHostItems: async (keys) => {
      if (keys.length > 128) throw new RangeError('at most 128 items per call');
      removePoolItems(poolPath(dir, 0), keys);
    },
    listHostItems: async () => [...readPoolMap(poolPath(dir, 0)).keys()],
  };
}

/** Writes the host facts of pool 3 (VirtualMachineId, VirtualMachineName, HostName...). */
export function writeHostFacts(dir: string, facts: Readonly<Record<string, string>>): void {
  writePool(poolPath(dir, 3), Object.entries(facts));
}
