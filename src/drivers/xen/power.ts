/**
 * Power through XAPI tasks: start (or resume), a clean shutdown through the guest's PV drivers bounded by a
 * deadline, then a hard shutdown when forced; clean reboot likewise; suspend. Each wait is the task's own
 * event.from, so a guest that powers off early ends the wait at once.
 */
import { GuestTimeout, OperationTimeout } from '../../core/errors';
import type { PowerDriver } from '../types';
import { type XenContext, vmRef } from './context';
import { xapiCode } from './errors';
import type { Ref } from './xenapi/types';

export class XenPowerDriver implements PowerDriver {
  constructor(private readonly ctx: XenContext) {}

  private state(ref: Ref<'VM'>): Promise<string> {
    return this.ctx.client.call('VM.get_power_state', ref);
  }

  async start(options: { readonly id: string }): Promise<void> {
    const ref = await vmRef(this.ctx, options.id);
    const state = await this.state(ref);
    if (state === 'Running') return;
    if (state === 'Paused') await this.ctx.client.callAsync('VM.unpause', ref);
    else if (state === 'Suspended') await this.ctx.client.callAsync('VM.resume', ref, false, false);
    else await this.ctx.client.callAsync('VM.start', ref, false, false);
  }

  /** Runs a clean operation for at most `timeoutMs`; false when the guest did not (or cannot) do it in time. */
  private async clean(
    ref: Ref<'VM'>,
    method: 'VM.clean_shutdown' | 'VM.clean_reboot',
    timeoutMs: number,
  ): Promise<boolean> {
    const c = this.ctx.client;
    const task = (await c.callRaw(`Async.${method}`, [ref])) as Ref<'task'>;
    try {
      await c.waitTask(task, method, timeoutMs);
      return true;
    } catch (e) {
      if (e instanceof OperationTimeout) {
        await c.call('task.cancel', task).catch(() => undefined);
        return false;
      }
      // No PV drivers (or no feature-shutdown) in the guest: only a hard shutdown can stop it.
      if (xapiCode(e) === 'VM_LACKS_FEATURE' || xapiCode(e) === 'VM_LACKS_FEATURE_SHUTDOWN') return false;
      throw e;
    } finally {
      await c.call('task.destroy', task).catch(() => undefined);
    }
  }

  async shutdown(options: {
    readonly id: string;
    readonly timeoutMs: number;
    readonly force: boolean;
  }): Promise<{ readonly forced: boolean }> {
    const ref = await vmRef(this.ctx, options.id);
    if ((await this.state(ref)) === 'Halted') return { forced: false };
    if (await this.clean(ref, 'VM.clean_shutdown', options.timeoutMs)) return { forced: false };
    if ((await this.state(ref)) === 'Halted') return { forced: false };
    if (!options.force)
      throw new GuestTimeout(
        `the guest did not shut down within ${Math.round(options.timeoutMs / 1000)} s (set force to turn it off)`,
      );
    await this.ctx.client.callAsync('VM.hard_shutdown', ref);
    return { forced: true };
  }

  async turnOff(options: { readonly id: string }): Promise<void> {
    const ref = await vmRef(this.ctx, options.id);
    if ((await this.state(ref)) === 'Halted') return;
    await this.ctx.client.callAsync('VM.hard_shutdown', ref);
  }

  async restart(options: { readonly id: string; readonly timeoutMs: number; readonly force: boolean }): Promise<void> {
    const ref = await vmRef(this.ctx, options.id);
    if ((await this.state(ref)) !== 'Running') {
      await this.start(options);
      return;
    }
    if (await this.clean(ref, 'VM.clean_reboot', options.timeoutMs)) return;
    if (!options.force)
      throw new GuestTimeout(
        `the guest did not restart within ${Math.round(options.timeoutMs / 1000)} s (set force to reset it)`,
      );
    await this.ctx.client.callAsync('VM.hard_reboot', ref);
  }

  async save(options: { readonly id: string }): Promise<void> {
    const ref = await vmRef(this.ctx, options.id);
    if ((await this.state(ref)) === 'Suspended') return;
    await this.ctx.client.callAsync('VM.suspend', ref);
  }
}
