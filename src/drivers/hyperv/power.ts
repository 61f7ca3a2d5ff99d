/** Power actions; each is one script run. Shutdown is graceful first, with the deadline enforced on the host too. */
import type { PowerDriver } from '../types';
import { assertVmId, type HyperVSession } from './session';

type Action = 'start' | 'shutdown' | 'turnoff' | 'restart' | 'save';

export class HyperVPowerDriver implements PowerDriver {
  constructor(private readonly session: HyperVSession) {}

  private act(id: string, action: Action, timeoutMs = 0, force = false): Promise<{ state: string; forced: boolean }> {
    const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
    return this.session.run(
      'power-set',
      { Id: assertVmId(id), Action: action, TimeoutSeconds: seconds, Force: force },
      {
        // The host-side wait is the real deadline; the channel gets a margin on top.
        timeoutMs: timeoutMs + this.session.settings.scriptTimeoutMs,
      },
    );
  }

  async start(options: { readonly id: string }): Promise<void> {
    await this.act(options.id, 'start');
  }

  async shutdown(options: {
    readonly id: string;
    readonly timeoutMs: number;
    readonly force: boolean;
  }): Promise<{ readonly forced: boolean }> {
    const result = await this.act(options.id, 'shutdown', options.timeoutMs, options.force);
    return { forced: result.forced };
  }

  async turnOff(options: { readonly id: string }): Promise<void> {
    await this.act(options.id, 'turnoff');
  }

  async restart(options: { readonly id: string; readonly timeoutMs: number; readonly force: boolean }): Promise<void> {
    await this.act(options.id, 'restart', options.timeoutMs, options.force);
  }

  async save(options: { readonly id: string }): Promise<void> {
    await this.act(options.id, 'save');
  }
}
