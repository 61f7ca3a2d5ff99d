/**
 * Hyper-V KVP pool files as the Linux hv_kvp_daemon keeps them (/var/lib/hyperv/.kvp_pool_N): a flat array of
 * 2,560-byte records, key 512 bytes + value 2,048 bytes, UTF-8, NUL-padded, no header. A trailing partial record
 * (a file caught mid-write) is ignored.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

export const KEY_BYTES = 512;
export const VALUE_BYTES = 2048;
export const RECORD_BYTES = KEY_BYTES + VALUE_BYTES;

function field(buffer: Buffer, start: number, length: number): string {
  const slice = buffer.subarray(start, start + length);
  const end = slice.indexOf(0);
  return slice.subarray(0, end < 0 ? length : end).toString('utf8');
}

export function decodePool(buffer: Buffer): [string, string][] {
  const records: [string, string][] = [];
  for (let offset = 0; offset + RECORD_BYTES <= buffer.length; offset += RECORD_BYTES) {
    const key = field(buffer, offset, KEY_BYTES);
    if (key === '') continue;
    records.push([key, field(buffer, offset + KEY_BYTES, VALUE_BYTES)]);
  }
  return records;
}

export function encodePool(items: Iterable<readonly [string, string]>): Buffer {
  const list = [...items];
  const buffer = Buffer.alloc(list.length * RECORD_BYTES);
  list.forEach(([key, value], i) => {
    const k = Buffer.from(key, 'utf8');
    const v = Buffer.from(value, 'utf8');
    // The daemon keeps a terminating NUL inside each field.
    if (k.length >= KEY_BYTES) throw new RangeError(`KVP key of ${k.length} bytes does not fit a pool record`);
    if (v.length >= VALUE_BYTES) throw new RangeError(`KVP value of ${v.length} bytes for ${key} does not fit a pool record`);
    k.copy(buffer, i * RECORD_BYTES);
    v.copy(buffer, i * RECORD_BYTES + KEY_BYTES);
  });
  return buffer;
}

export function readPool(path: string): [string, string][] {
  try {
    return decodePool(readFileSync(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Replaces the file atomically, so a reader sees the old or the new pool, never a mix. */
export function writePool(path: string, items: Iterable<readonly [string, string]>): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, encodePool(items), { mode: 0o644 });
  renameSync(tmp, path);
}
