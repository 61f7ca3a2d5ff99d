/**
 * One sealed exchange per VM at a time, across controllers. Two runs for one VM would delete each other's items
 * and seal for the same guest, so each run takes a lease kept where every controller looks: a host item of the VM
 * itself (Hyper-V KVP pool 0, the libvirt guest pool), named `virtseal-lock.<run>.<expires>`. A key carries the
 * whole lease, because a channel can list host keys everywhere but not read host values everywhere.
 *
 * Taking it: list the keys; a live lease of another run → Conflict naming the VM. Otherwise write ours and list
 * again. A rival seen then wrote at about the same time, and it may or may not have seen ours: the later of two
 * writers always sees the earlier one, the earlier may have looked before the later wrote and gone ahead. So a run
 * with the larger id withdraws at once; a run with the smaller id waits for the rival to withdraw and goes ahead
 * only when its key is gone (the rival saw both), and withdraws when it stays (the rival went ahead). At most one
 * run goes ahead; in the rare case of a slow rival both fail with the same one line. An expired lease (a
 * controller that died) is removed. The lease outlives the exchange's own timeout by a margin, and is removed
 * when the run ends.
 */
import { randomBytes } from 'node:crypto';
import { Conflict } from '../core/errors';
import type { GuestChannel } from '../drivers/types';

export const LOCK_PREFIX = 'virtseal-lock.';
/** Time a lease outlives the exchange's timeout: the exchange's own clean-up after its deadline. */
export const LEASE_MARGIN_MS = 120_000;

interface Lease {
  readonly key: string;
  readonly run: string;
  readonly expiresMs: number;
}

function parseLease(key: string): Lease | undefined {
  const m = /^virtseal-lock\.([0-9a-f]{16})\.(\d{1,16})$/.exec(key);
  return m ? { key, run: m[1]!, expiresMs: Number(m[2]) * 1000 } : undefined;
}

const leases = async (channel: GuestChannel): Promise<Lease[]> =>
  (await channel.listHostItems()).map(parseLease).filter((l): l is Lease => l !== undefined);

export interface ExchangeLockOptions {
  readonly channel: GuestChannel;
  readonly vmName: string;
  readonly timeoutMs: number;
  readonly now: () => number;
  /** Run id (16 hex digits); random by default. */
  readonly run?: string;
  /** How long a run with the smaller id waits for a rival to withdraw: polls × interval (default 20 × 500 ms). */
  readonly settle?: { readonly polls: number; readonly intervalMs: number };
  readonly sleep?: (ms: number) => Promise<void>;
}

export async function withExchangeLock<T>(o: ExchangeLockOptions, body: () => Promise<T>): Promise<T> {
  const run = o.run ?? randomBytes(8).toString('hex');
  const busy = (other: Lease): Conflict =>
    new Conflict(
      `VM '${o.vmName}' is already being configured by another guest_config run (${other.run}, lease until ${new Date(other.expiresMs).toISOString()}); ` +
        'wait for it to finish, or remove the host item if that run is gone',
      { details: { option: 'vm' } },
    );
  const now = o.now();
  const found = await leases(o.channel);
  const expired = found.filter((l) => l.expiresMs <= now).map((l) => l.key);
  if (expired.length > 0) await o.channel.removeHostItems(expired);
  const live = found.filter((l) => l.expiresMs > now);
  if (live.length > 0) throw busy(live[0]!);
  const mine = `${LOCK_PREFIX}${run}.${Math.ceil((now + o.timeoutMs + LEASE_MARGIN_MS) / 1000)}`;
  await o.channel.writeHostItems([[mine, run]]);
  try {
    const rivalsNow = async (): Promise<Lease[]> =>
      (await leases(o.channel)).filter((l) => l.key !== mine && l.expiresMs > o.now());
    let rivals = await rivalsNow();
    const smaller = rivals.find((l) => l.run < run);
    if (smaller) throw busy(smaller);
    const settle = o.settle ?? { polls: 20, intervalMs: 500 };
    const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let poll = 0; rivals.length > 0; poll += 1) {
      if (poll >= settle.polls) throw busy(rivals[0]!);
      await sleep(settle.intervalMs);
      rivals = await rivalsNow();
    }
    return await body();
  } finally {
    await o.channel.removeHostItems([mine]);
  }
}
