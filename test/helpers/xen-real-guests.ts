/**
 * Guests of the fake XAPI pool that are real PV domains under Xen 4.17 (the test bed of xen-testbed.ts): starting a
 * VM in the fake builds a domain with the VM's uuid through the dom0 shim; from then on the VM's `vm-data` lives in
 * the real oxenstored. Every change XAPI makes to it (VM.set_xenstore_data on the running VM, in the fake's own
 * xenstore model) is pushed to dom0 as xenopsd pushes it, and every guest write under data/service and control/
 * comes back into the fake as that guest's write, where the fake's xenopsd/xapi mirror turns it into
 * VM_guest_metrics. So the host side is virtseal's Xen driver talking to the fake XAPI; the guest side is the real
 * agent talking to the real oxenstored.
 */
import type { XapiState } from '../../src/sim/xapi/state';
import type { GuestHooks } from '../../src/sim/xapi/vm';
import { type XenTestbed, type XenstoreEvent, shimValue } from './xen-testbed';

interface Domain {
  readonly name: string;
  readonly fake: number;
  real: number | undefined;
  queue: Promise<unknown>;
  dirty: boolean;
  unwatch(): void;
}

export class RealXenGuests implements GuestHooks {
  private readonly domains = new Map<number, Domain>();
  private readonly byReal = new Map<number, Domain>();
  private state: XapiState | undefined;
  /** Every value pushed into the real xenstore, for the limit checks. */
  readonly pushedValues: string[] = [];
  /** Guest writes the fake's xenstore model refused (it follows oxenstored's rules; none are expected). */
  readonly refused: string[] = [];
  readonly errors: Error[] = [];

  constructor(private readonly bed: XenTestbed) {
    bed.onEvent((e) => this.fromGuest(e));
  }

  async prepare(s: XapiState): Promise<void> {
    this.state = s;
  }

  /** The real domain behind a fake domid, once built. */
  realDomid(fakeDomid: number): number | undefined {
    return this.domains.get(fakeDomid)?.real;
  }

  /** The guest's console name in dom0 (xenconsoled's log). */
  consoleName(fakeDomid: number): string {
    return `vs-${fakeDomid}`;
  }

  /** Resolves once every request for this domain so far reached dom0. */
  async settled(fakeDomid: number): Promise<void> {
    await this.domains.get(fakeDomid)?.queue;
  }

  started(s: XapiState, vm: string, domid: number): void {
    const uuid = String(s.rec('VM', vm).uuid);
    const dom: Domain = {
      name: this.consoleName(domid),
      fake: domid,
      real: undefined,
      queue: Promise.resolve(),
      dirty: false,
      unwatch: () => undefined,
    };
    this.domains.set(domid, dom);
    dom.unwatch = s.xs.onChange((path, writer) => {
      if (
        writer === 0 &&
        (path === `/local/domain/${domid}/vm-data` || path.startsWith(`/local/domain/${domid}/vm-data/`))
      )
        this.schedulePush(s, dom);
    });
    this.enqueue(dom, async () => {
      dom.real = Number((await this.bed.request('create', uuid, dom.name)).toString());
      this.byReal.set(dom.real, dom);
      await this.bed.request('unpause', String(dom.real));
    });
  }

  stopped(_s: XapiState, _vm: string, domid: number): void {
    const dom = this.domains.get(domid);
    if (!dom) return;
    dom.unwatch();
    this.domains.delete(domid);
    this.enqueue(dom, async () => {
      if (dom.real !== undefined) await this.bed.request('destroy', String(dom.real));
    });
  }

  stopAll(): void {
    for (const d of this.domains.values()) d.unwatch();
    this.domains.clear();
  }

  private enqueue(dom: Domain, work: () => Promise<void>): void {
    dom.queue = dom.queue.then(work).catch((e: Error) => void this.errors.push(e));
  }

  /** Changes within one tick (one set_xenstore_data transaction) become one push of the whole vm-data. */
  private schedulePush(s: XapiState, dom: Domain): void {
    if (dom.dirty) return;
    dom.dirty = true;
    this.enqueue(dom, async () => {
      dom.dirty = false;
      const base = `/local/domain/${dom.fake}`;
      const rows = s.xs.dump(`${base}/vm-data`);
      const leaves = rows
        .filter(([p], i) => !rows[i + 1]?.[0].startsWith(`${p}/`) && p !== `${base}/vm-data`)
        .map(([p, v]) => [p.slice(base.length + 1), v] as const);
      for (const [, v] of leaves) this.pushedValues.push(v);
      await this.bed.request('vmdata', String(dom.real), ...leaves.map(([k, v]) => `${k}=${shimValue(v)}`));
    });
  }

  /** A guest's write seen in the real xenstore becomes the same guest's write in the fake (so XAPI mirrors it). */
  private fromGuest(e: XenstoreEvent): void {
    const dom = this.byReal.get(e.domid);
    const s = this.state;
    if (!dom || !s || !this.domains.has(dom.fake)) return;
    try {
      if (e.value === undefined) {
        if (s.xs.exists(dom.fake, e.path)) s.xs.rm(dom.fake, e.path);
      } else if (!s.xs.exists(dom.fake, e.path) || s.xs.read(dom.fake, e.path) !== e.value) {
        s.xs.write(dom.fake, e.path, e.value);
      }
    } catch (err) {
      this.refused.push(`${e.path}: ${(err as Error).message}`);
    }
  }
}
