/**
 * The simulated host's side of the guest's KVP pool files. Records are coded by the format's one codec
 * (src/seal/kvp-pool-file.ts); the simulator replaces a file atomically (write, then rename), so the guest agent sees
 * the old or the new pool, never a mix.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { encodePool, type PoolEntry } from '../seal/kvp-pool-file';

export { readPool } from '../seal/kvp-pool-file';

export function writePool(path: string, items: Iterable<PoolEntry>): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, encodePool([...items]), { mode: 0o644 });
  renameSync(tmp, path);
}
