/**
 * The Node host side for the Windows agent's Pester suite: runs the real sealed exchange (src/seal) on pool files
 * in a directory the Pester test gives, and prints the outcome as one JSON line.
 *
 *   npx tsx test/component/guest/windows/seal-host.ts <kvp-dir> <vm-id> <config.json> [tamper]
 */
import { readFileSync } from 'node:fs';
import type { GuestChannel } from '../../../../src/drivers/types';
import { runSealedExchange } from '../../../../src/seal/host-exchange';
import { poolFileChannel } from '../../../../src/seal/kvp-pool-file';

const [dir, vmId, configFile, mode] = process.argv.slice(2);
const inner = poolFileChannel(dir!);
// `tamper`: one byte of the first chunk changes in transit, after the host computed the MAC.
const channel: GuestChannel =
  mode === 'tamper'
    ? {
        ...inner,
        writeHostItems: (items) =>
          inner.writeHostItems(
            items.map(([k, v]) =>
              k === 'virtseal.chunk.0' ? [k, v.slice(0, 300) + (v[300] === 'A' ? 'B' : 'A') + v.slice(301)] : [k, v],
            ),
          ),
      }
    : inner;
try {
  const result = await runSealedExchange({
    channel,
    vmId: vmId!,
    config: JSON.parse(readFileSync(configFile!, 'utf8')),
    timeoutMs: 240_000,
    initialDelayMs: 100,
    maxDelayMs: 500,
  });
  console.log(JSON.stringify({ ok: true, result }));
} catch (e) {
  const err = e as { name?: string; check?: string; guestReason?: string; message?: string };
  console.log(
    JSON.stringify({
      ok: false,
      error: err.name,
      check: err.check,
      guestReason: err.guestReason,
      message: err.message,
    }),
  );
}
