/**
 * What runs inside the fake pool's VMs. A plain guest behaves like a Linux guest with xe-guest-utilities: once
 * booted it writes its OS name, its first NIC's address under attr/vif and `control/feature-shutdown`, and it
 * powers off when dom0 writes `control/shutdown`. Writes go through xenstore as the guest's own domain, so the
 * permission rules apply to them.
 */
import type { XapiState } from './state';
import type { GuestHooks } from './vm';

export class PlainGuests implements GuestHooks {
  private readonly running = new Map<number, { timers: NodeJS.Timeout[]; unwatch: () => void }>();
  private next = 10;

  started(s: XapiState, _vm: string, domid: number, halt: () => void): void {
    const ip = `10.0.${Math.floor(this.next / 250)}.${(this.next++ % 250) + 2}`;
    const timers: NodeJS.Timeout[] = [];
    timers.push(
      setTimeout(() => {
        if (!this.running.has(domid)) return;
        try {
          s.xs.write(domid, 'data/os_name', 'Debian GNU/Linux 12 (bookworm)');
          s.xs.write(domid, 'control/feature-shutdown', '1');
          s.xs.write(domid, 'attr/vif/0/ipv4/0', ip);
        } catch {
          // A guest over its xenstore quota reports nothing, as a real one would fail to.
        }
      }, s.timings.guestIpMs),
    );
    const unwatch = s.xs.onChange((path, writer) => {
      if (writer !== 0 || path !== `/local/domain/${domid}/control/shutdown`) return;
      const how = s.xs.read(domid, 'control/shutdown');
      if (how === 'poweroff' || how === 'halt' || how === 'reboot') timers.push(setTimeout(halt, s.timings.shutdownMs));
    });
    this.running.set(domid, { timers, unwatch });
  }

  stopAll(): void {
    for (const d of [...this.running.keys()]) this.stopped(undefined as never, '', d);
  }

  stopped(_s: XapiState, _vm: string, domid: number): void {
    const g = this.running.get(domid);
    if (!g) return;
    for (const t of g.timers) clearTimeout(t);
    g.unwatch();
    this.running.delete(domid);
  }
}
