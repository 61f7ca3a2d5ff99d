/**
 * Linux hv_kvp_daemon pool files (tools/hv/hv_kvp_daemon.c): a flat array of 2,560-byte records (512-byte key +
 * 2,048-byte value, UTF-8, NUL padded), no header. The one codec of the format: the sealed exchange's tests, the
 * Hyper-V simulator (src/sim/kvp-pool-file.ts) and the libvirt guest channel (which writes the same files the Linux
 * agent reads on Hyper-V) all use it.
 *
 * Reading takes whole records (a trailing partial record, a file caught mid-write, is ignored), skips free slots
 * (empty keys) and keeps the first record of a key, as the daemon and the agents do. Updates follow the daemon's own
 * discipline: re-read the whole file, rewrite it whole, in place (same inode, write then truncate), so the daemon's
 * fcntl lock on its open descriptor keeps meaning something; an update replaces the first record of a key where it is.
 */
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgument } from '../core/errors';
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
  const seen = new Set<string>();
  for (let off = 0; off + RECORD_BYTES <= bytes.length; off += RECORD_BYTES) {
    const key = field(bytes.subarray(off, off + KEY_BYTES));
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    out.push([key, field(bytes.subarray(off + KEY_BYTES, off + RECORD_BYTES))]);
  }
  return out;
}

/** Records in the order given (a file may hold a key twice; readers take the first). Fields keep a terminating NUL. */
export function encodePool(entries: readonly PoolEntry[]): Buffer {
  const out = Buffer.alloc(entries.length * RECORD_BYTES);
  entries.forEach(([key, value], i) => {
    const k = Buffer.from(key, 'utf8');
    const v = Buffer.from(value, 'utf8');
    if (k.length === 0 || k.length >= KEY_BYTES || k.includes(0)) {
      throw new InvalidArgument(
        `a KVP key must be 1-${KEY_BYTES - 1} UTF-8 bytes without NUL, got ${k.length} bytes`,
        'key',
      );
    }
    if (v.length >= VALUE_BYTES || v.includes(0)) {
      throw new InvalidArgument(
        `the KVP value under '${key}' must be under ${VALUE_BYTES} UTF-8 bytes without NUL, got ${v.length}`,
        'value',
      );
    }
    k.copy(out, i * RECORD_BYTES);
    v.copy(out, i * RECORD_BYTES + KEY_BYTES);
  });
  return out;
}

/** Replaces existing keys in place (readers take the first record of a key) and appends new ones. */
export function mergeItems(current: readonly PoolEntry[], updates: readonly PoolEntry[]): PoolEntry[] {
  const next = [...current];
  for (const [key, value] of updates) {
    const at = next.findIndex(([k]) => k === key);
    if (at >= 0) next[at] = [key, value];
    else next.push([key, value]);
  }
  return next;
}

export function readPool(path: string): PoolEntry[] {
  return existsSync(path) ? decodePool(readFileSync(path)) : [];
}

/** First record of each key wins, as in the daemon and the agents. */
export function readPoolMap(path: string): Map<string, string> {
  return new Map(readPool(path));
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

/** Adds or replaces (in place, first record) the given items; later duplicates of any key are dropped. */
export function upsertPoolItems(path: string, items: readonly PoolEntry[]): void {
  writePool(path, mergeItems(readPool(path), items));
}

export function removePoolItems(path: string, keys: readonly string[]): void {
  if (!existsSync(path)) return;
  const drop = new Set(keys);
  writePool(
    path,
    readPool(path).filter(([k]) => !drop.has(k)),
  );
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
    // Reading a local file is cheap: poll briskly so the outcome is seen within a fraction of a second.
    pollMs: { initial: 50, max: 200 },
  };
}

/** Writes the host facts of pool 3 (VirtualMachineId, VirtualMachineName, HostName...). */
export function writeHostFacts(dir: string, facts: Readonly<Record<string, string>>): void {
  writePool(poolPath(dir, 3), Object.entries(facts));
}
