/**
 * The Node host side for the Windows agent's Pester suite: runs the real sealed exchange (src/seal) on pool files
 * in a directory the Pester test gives, and prints the outcome as one JSON line.
 *
 *   npx tsx test/component/guest/windows/seal-host.ts <kvp-dir> <vm-id> <config.json> [tamper|signed|forged]
 *
 * `signed`: envelopes signed with the committed test sender key (test/vectors/v3-sender.pem); `forged`: signed with
 * a fresh key of its own, as a party without the controller's key would.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { GuestChannel } from '../../../../src/drivers/types';
import { runSealedExchange } from '../../../../src/seal/host-exchange';
import { poolFileChannel } from '../../../../src/seal/kvp-pool-file';
import { parseSenderKey } from '../../../../src/seal/sender';

const [dir, vmId, configFile, mode] = process.argv.slice(2);
const inner = poolFileChannel(dir!);
const flip = (v: string, i: number): string => v.slice(0, i) + (v[i] === 'A' ? 'B' : 'A') + v.slice(i + 1);
// `tamper`: one ciphertext character of the first chunk changes in transit, after the host computed the MAC.
const channel: GuestChannel =
  mode === 'tamper'
    ? {
        ...inner,
        writeHostItems: (items) =>
          inner.writeHostItems(
            items.map(([k, v]) => (k === 'virtseal.chunk.0' ? [k, flip(v, v.indexOf('\ndata ') + 30)] : [k, v])),
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
    senderKey:
      mode === 'signed'
        ? parseSenderKey(readFileSync('test/vectors/v3-sender.pem', 'utf8'), 'sender_key')
        : mode === 'forged'
          ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey
          : undefined,
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
