/**
 * Services under test talk to the Hyper-V host simulator (standard preset; started VMs run the real Linux guest
 * agent) through the real driver and transport, no stubs: one simulator per suite, one driver connection per
 * session, check mode through the same recording driver the modules use.
 */
import type { KeyObject } from 'node:crypto';
import type { GuestConfig } from '../../../src/seal/guest-config';
import { runSealedExchange } from '../../../src/seal/host-exchange';
import type { PresetInfo } from '../../../src/sim/presets';
import type { SimRegistry } from '../../../src/sim/registry';
import type { HyperVSimulator } from '../../../src/sim/server';
import type { StandardSim } from '../../../src/sim/standard-sim';
import { startSimHost } from '../../../src/testing/with-sim';
import { createSession, type Session } from '../../../src/services/session';

export interface SimWorld {
  readonly sim: HyperVSimulator;
  readonly standard: StandardSim;
  readonly registry: SimRegistry;
  readonly preset: PresetInfo;
  open(check?: boolean): Promise<Session>;
  /** The controller's sender key the exchanges sign with from now on (undefined: unsigned). */
  signWith(key: KeyObject | undefined): void;
  stop(): Promise<void>;
}

export async function startWorld(options: { readonly guestAgent?: boolean } = {}): Promise<SimWorld> {
  const host = await startSimHost({ guestAgent: options.guestAgent ?? false });
  const { standard } = host;
  const { sim } = standard;
  let senderKey: KeyObject | undefined;
  return {
    sim,
    standard,
    registry: sim.registry,
    preset: standard.preset,
    async open(check = false) {
      return createSession(await host.connect(), {
        check,
        runExchange: async (r) => ({
          attemptId: (await runSealedExchange({ ...r, config: r.config as GuestConfig, senderKey })).attempt,
        }),
      });
    },
    signWith: (key) => {
      senderKey = key;
    },
    stop: () => host.stop(),
  };
}

/** Everything the simulator knows, as comparable text (check-mode runs must leave it identical). */
export function registrySnapshot(registry: SimRegistry): string {
  return JSON.stringify(
    {
      vms: [...registry.vms.values()].map((vm) => ({
        ...vm,
        kvpHost: [...vm.kvpHost],
        kvpGuest: [...vm.kvpGuest],
        intrinsic: [...vm.intrinsic],
      })),
      vhds: [...registry.vhds.entries()],
      switches: registry.switches,
    },
    null,
    1,
  );
}

/** Runs one service call in its own session (one driver connection), like one module run. */
export async function inSession<T>(world: SimWorld, check: boolean, fn: (session: Session) => Promise<T>): Promise<T> {
  const session = await world.open(check);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}
