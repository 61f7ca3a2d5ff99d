/**
 * One module run against one host: the recording driver (live or dry run), the clock, and the two long waits a
 * service may need (guest IP address, sealed exchange). Check mode is decided here, once: a dry-run session records
 * intended writes and its waits return at once. The few decisions that must still differ are the named policy
 * `checkMode` below; services ask it, never whether they are in check mode.
 */
import { type Clock, systemClock } from '../core/clock';
import { OperationTimeout } from '../core/errors';
import { waitFor } from '../core/wait';
import { recording, type RecordingHypervisor } from '../drivers/dry-run/index';
import type { GuestChannel, Hypervisor } from '../drivers/types';
import { bindOnlyNic } from '../seal/network-config';

export interface ExchangeRequest {
  readonly channel: GuestChannel;
  readonly vmId: string;
  readonly config: unknown;
  readonly timeoutMs: number;
  readonly clock: Clock;
}

export interface ExchangeOutcome {
  readonly attemptId?: string;
}

/** Runs the sealed exchange; resolves when the guest reports applied, throws GuestFailed / GuestTimeout otherwise. */
export type ExchangeRunner = (request: ExchangeRequest) => Promise<ExchangeOutcome>;

/**
 * The decisions that differ in check mode, each named for what it decides. Everything else runs the same code on
 * the recording driver (src/drivers/dry-run/).
 */
export interface CheckModePolicy {
  /** True in check mode; for reporting (`check_mode` in results), not for branching. */
  readonly active: boolean;
  /**
   * A refusal that rests on host state an earlier task of the same play may change (an image it publishes, a VM it
   * stops): a real run throws `refusal`; check mode cannot know what the earlier task did, so it warns `warning`
   * (which says what the real run needs) and goes on.
   */
  unlessEarlierTask(refusal: Error, warning: string, warn: (message: string) => void): void;
  /**
   * Runs `run` holding a lock on the host: `take` acquires it around `run` in a real run; check mode writes nothing
   * to the host, so it takes no lock and runs `run` alone.
   */
  locked<T>(take: (run: () => Promise<T>) => Promise<T>, run: () => Promise<T>): Promise<T>;
}

export function checkModePolicy(active: boolean): CheckModePolicy {
  return {
    active,
    unlessEarlierTask(refusal, warning, warn) {
      if (!active) throw refusal;
      warn(warning);
    },
    locked: (take, run) => (active ? run() : take(run)),
  };
}

export interface Session {
  readonly hv: RecordingHypervisor;
  readonly clock: Clock;
  readonly checkMode: CheckModePolicy;
  /** Waits until the guest reports at least one IP address; returns the addresses. */
  waitForIp(options: {
    readonly vmId: string;
    readonly vmName: string;
    readonly timeoutMs: number;
  }): Promise<readonly string[]>;
  /** Runs the sealed exchange with one VM, recorded as one change. */
  exchange(request: Omit<ExchangeRequest, 'clock' | 'channel'> & { readonly vmName: string }): Promise<ExchangeOutcome>;
  close(): Promise<void>;
}

export interface SessionOptions {
  readonly check: boolean;
  readonly clock?: Clock;
  readonly runExchange: ExchangeRunner;
}

/** Link-local and loopback addresses are not what an admin waits for. */
const usable = (address: string): boolean => !/^(fe80:|169\.254\.|127\.|::1$)/i.test(address);

export function createSession(inner: Hypervisor, options: SessionOptions): Session {
  const hv = recording(inner, { dryRun: options.check });
  const clock = options.clock ?? systemClock;
  return {
    hv,
    clock,
    checkMode: checkModePolicy(options.check),
    async waitForIp({ vmId, vmName, timeoutMs }) {
      if (options.check) return (await hv.guestAddresses({ vmId })).filter(usable);
      return waitFor(
        async () => {
          const addresses = (await hv.guestAddresses({ vmId })).filter(usable);
          return addresses.length > 0 ? addresses : undefined;
        },
        {
          timeoutMs,
          clock,
          initialDelayMs: 250,
          what: `an IP address from VM '${vmName}'`,
          onTimeout: (elapsed) =>
            new OperationTimeout(
              `VM '${vmName}' reported no IP address within ${Math.round(elapsed / 1000)} s (wait_timeout)`,
            ),
        },
      );
    },
    async exchange({ vmId, vmName, config, timeoutMs }) {
      const line = `send the sealed guest configuration to VM '${vmName}' and wait for its outcome`;
      if (options.check) {
        hv.record(line);
        return {};
      }
      // Read after start: Hyper-V gives a dynamic MAC only when the VM first runs.
      const vm = await hv.vms.findVm({ ref: { id: vmId } });
      const bound = bindOnlyNic(config, vm?.nics.map((n) => n.mac) ?? []);
      const outcome = await options.runExchange({
        channel: hv.guestChannel({ vmId }),
        vmId,
        config: bound,
        timeoutMs,
        clock,
      });
      hv.record(line);
      return outcome;
    },
    close: () => hv.close(),
  };
}
