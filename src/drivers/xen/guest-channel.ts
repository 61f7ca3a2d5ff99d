/**
 * The sealed-exchange channel over xenstore, through XAPI alone (no dom0 plugin). Host items go into
 * VM.xenstore_data under `vm-data/virtseal/…` (a key `virtseal.chunk.3` becomes `vm-data/virtseal/chunk/3`, since
 * xenstore paths allow no dots) with one `VM.set_xenstore_data` per batch: xenopsd rewrites the guest's vm-data in
 * one transaction, so a batch is atomic. After such a live write the guest can no longer write vm-data, so guest
 * items come back through paths the guest still owns: `data/service/virtseal/<name>` (VM_guest_metrics.services,
 * xapi 25.15 and later) and `control/virtseal-<name>` (VM_guest_metrics.other, every version). Reads wait on
 * `event.from` for the VM and its guest metrics, so a guest's write wakes the host rather than a timer.
 * Only public keys, nonces and sealed ciphertext pass here: XAPI logs these values, keeps them in the pool
 * database and copies them on clone.
 */
import { GuestFailed } from '../../core/errors';
import type { GuestChannel } from '../types';
import { type XenContext, isNullRef, vmRef } from './context';
import type { Ref } from './xenapi/types';

/** oxenstored's default quota-maxsize. */
export const XENSTORE_MAX_VALUE = 2048;
/** Host items live under vm-data/virtseal… (`virtseal.*` exchange items, `virtseal-lock.*` the exchange lock). */
export const HOST_PREFIX = 'vm-data/virtseal';
const KEY = /^virtseal[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export const hostPath = (key: string): string => {
  if (!KEY.test(key)) throw new GuestFailed('bad_key', `'${key}' cannot be a xenstore path`);
  return `vm-data/${key.replace(/\./g, '/')}`;
};
export const hostKey = (path: string): string => path.slice('vm-data/'.length).replace(/\//g, '.');

/** Longest a read blocks on event.from for a guest change before returning what it has. */
const READ_WAIT_SECONDS = 1;

export class XenstoreChannel implements GuestChannel {
  private ref: Ref<'VM'> | undefined;
  private token = '';
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: XenContext,
    private readonly vmId: string,
  ) {}

  private async vm(): Promise<Ref<'VM'>> {
    this.ref ??= await vmRef(this.ctx, this.vmId);
    return this.ref;
  }

  async readGuestItems(): Promise<ReadonlyMap<string, string>> {
    const c = this.ctx.client;
    const ref = await this.vm();
    let gm = await c.call('VM.get_guest_metrics', ref);
    const subs = [`vm/${ref}`, ...(isNullRef(gm) ? [] : [`vm_guest_metrics/${gm}`])];
    if (this.token === '') {
      this.token = (await c.call('event.from', subs, '', 0)).token;
    } else {
      // Returns as soon as the VM or its guest metrics change, or after READ_WAIT_SECONDS.
      this.token = (await c.call('event.from', subs, this.token, READ_WAIT_SECONDS)).token;
      gm = await c.call('VM.get_guest_metrics', ref);
    }
    const items = new Map<string, string>();
    if (isNullRef(gm)) return items;
    const metrics = await c.call('VM_guest_metrics.get_record', gm).catch(() => undefined);
    if (!metrics) return items;
    for (const [k, v] of Object.entries(metrics.other))
      if (k.startsWith('virtseal-')) items.set(`virtseal.${k.slice('virtseal-'.length)}`, v);
    // data/service wins where both are present (it is the path meant for this, on xapi 25.15+).
    for (const [k, v] of Object.entries(metrics.services ?? {}))
      if (k.startsWith('virtseal/')) items.set(`virtseal.${k.slice('virtseal/'.length)}`, v);
    return items;
  }

  async writeHostItems(items: readonly (readonly [key: string, value: string])[]): Promise<void> {
    for (const [k, v] of items) {
      if (Buffer.byteLength(v) > XENSTORE_MAX_VALUE)
        throw new GuestFailed(
          'value_too_large',
          `host item ${k} is ${Buffer.byteLength(v)} bytes; xenstore takes at most ${XENSTORE_MAX_VALUE}`,
        );
      hostPath(k);
    }
    await this.edit((data) => {
      for (const [k, v] of items) data[hostPath(k)] = v;
    });
  }

  async removeHostItems(keys: readonly string[]): Promise<void> {
    await this.edit((data) => {
      for (const k of keys) delete data[hostPath(k)];
    });
  }

  async listHostItems(): Promise<readonly string[]> {
    const data = await this.ctx.client.call('VM.get_xenstore_data', await this.vm());
    return Object.keys(data)
      .filter((k) => k.startsWith(HOST_PREFIX) && /^vm-data\/virtseal[A-Za-z0-9_-]*\//.test(k))
      .map(hostKey);
  }

  /**
   * Read, modify, write the whole map: `set_xenstore_data` replaces it, so keys left out are deleted. Guest keys
   * mirrored from vm-data are dropped too; nothing of the exchange lives there.
   */
  private edit(change: (data: Record<string, string>) => void): Promise<void> {
    const work = async (): Promise<void> => {
      const ref = await this.vm();
      const data = { ...(await this.ctx.client.call('VM.get_xenstore_data', ref)) };
      const before = JSON.stringify(data);
      change(data);
      if (JSON.stringify(data) !== before) await this.ctx.client.call('VM.set_xenstore_data', ref, data);
    };
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
