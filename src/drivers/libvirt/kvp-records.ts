/**
 * The Hyper-V KVP pool-file format (tools/hv/hv_kvp_daemon.c): a flat array of 2,560-byte records, a 512-byte key
 * and a 2,048-byte value, UTF-8, NUL-padded, no header. The libvirt guest channel writes the same files the Linux
 * agent reads on Hyper-V, so one agent serves both hypervisors. The record codec is the seal core's
 * (src/seal/kvp-pool-file.ts); this adds input checks with option names, free slots and first-record-wins.
 */
import { InvalidArgument } from '../../core/errors';
import { KEY_BYTES, RECORD_BYTES, VALUE_BYTES, decodePool as decodeRecords, encodePool as encodeRecords } from '../../seal/kvp-pool-file';

export const KEY_SIZE = KEY_BYTES;
export const VALUE_SIZE = VALUE_BYTES;
export const RECORD_SIZE = RECORD_BYTES;

export type KvpItem = readonly [key: string, value: string];

/** Encodes items in order; keys must be unique, non-empty and leave room for the terminating NUL. */
export function encodePool(items: readonly KvpItem[]): Buffer {
  const seen = new Set<string>();
  for (const [key, value] of items) {
    const k = Buffer.from(key, 'utf8');
    const v = Buffer.from(value, 'utf8');
    if (k.length === 0 || k.length >= KEY_SIZE || k.includes(0)) throw new InvalidArgument(`KVP key must be 1-${KEY_SIZE - 1} UTF-8 bytes without NUL`, 'key');
    if (v.length >= VALUE_SIZE || v.includes(0)) throw new InvalidArgument(`KVP value of ${key} must be under ${VALUE_SIZE} UTF-8 bytes without NUL`, 'value');
    if (seen.has(key)) throw new InvalidArgument(`KVP key ${key} appears twice`, 'key');
    seen.add(key);
  }
  return encodeRecords(items);
}

/** Decodes whole records (a trailing partial record is ignored); empty keys are free slots. First record wins. */
export function decodePool(data: Buffer): KvpItem[] {
  const seen = new Set<string>();
  return decodeRecords(data).filter(([key]) => {
    if (key.length === 0 || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Replaces existing keys in place (readers take the first record of a key) and appends new ones. */
export function mergeItems(current: readonly KvpItem[], updates: readonly KvpItem[]): KvpItem[] {
  const next = current.map(([k, v]) => [k, v] as [string, string]);
  for (const [key, value] of updates) {
    const at = next.findIndex(([k]) => k === key);
    if (at >= 0) next[at] = [key, value];
    else next.push([key, value]);
  }
  return next;
}
