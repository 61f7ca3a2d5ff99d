/** Power: start, ACPI shutdown with a deadline (then destroy when forced), turn off, restart, managed save. */
import { GuestTimeout } from '../../core/errors';
import { waitFor } from '../../core/wait';
import type { PowerDriver } from '../types';
import { type LibvirtContext, domainState } from './context';

export class LibvirtPowerDriver implements PowerDriver {
  constructor(private readonly ctx: LibvirtContext) {}

  async start(options: { readonly id: string }): Promise<void> {
    const state = await domainState(this.ctx, options.id);
    if (state === 'running') return;
    if (state === 'paused') {
      await this.ctx.host.virsh(['resume', `--domain=${options.id}`]);
      return;
    }
    await this.ctx.host.virsh(['start', `--domain=${options.id}`]);
  }

  async shutdown(options: {
    readonly id: string;
    readonly timeoutMs: number;
    readonly force: boolean;
  }): Promise<{ readonly forced: boolean }> {
    const ctx = this.ctx;
    const { id } = options;
    if ((await domainState(ctx, id)) === 'off') return { forced: false };
    await ctx.host.virsh(['shutdown', `--domain=${id}`, '--mode=acpi']);
    try {
      await waitFor(async () => ((await domainState(ctx, id)) === 'off' ? true : undefined), {
        timeoutMs: options.timeoutMs,
        initialDelayMs: 200,
        maxDelayMs: 2_000,
        clock: ctx.clock,
        what: `VM ${id} to shut down`,
      });
      return { forced: false };
    } catch (e) {
      if (!options.force) {
        throw new GuestTimeout(
          `the guest did not shut down within ${Math.round(options.timeoutMs / 1000)} s (set force to turn it off)`,
          { cause: e },
        );
      }
      await this.turnOff({ id });
      return { forced: true };
    }
  }

  async turnOff(options: { readonly id: string }): Promise<void> {
    if ((await domainState(this.ctx, options.id)) === 'off') return;
    const r = await this.ctx.host.virshResult(['destroy', `--domain=${options.id}`]);
    // It may have stopped by itself between the two calls.
    if (r.code !== 0 && (await domainState(this.ctx, options.id)) !== 'off')
      await this.ctx.host.virsh(['destroy', `--domain=${options.id}`]);
  }

  /** A full stop and start: unlike `virsh reboot`, its completion is observable. */
  async restart(options: { readonly id: string; readonly timeoutMs: number; readonly force: boolean }): Promise<void> {
    await this.shutdown(options);
    await this.start({ id: options.id });
  }

  async save(options: { readonly id: string }): Promise<void> {
    if ((await domainState(this.ctx, options.id)) === 'saved') return;
    await this.ctx.host.virsh(['managedsave', `--domain=${options.id}`]);
  }
}
