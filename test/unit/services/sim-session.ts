/**
 * Services under test talk to the Hyper-V host simulator through the real driver and transport (no stubs): one
 * simulator per suite, one driver connection per session, check mode through the same recording driver the modules
 * use.
 */
import { createHypervisor } from '../../../src/drivers';
import type { Hypervisor } from '../../../src/drivers/types';
import type { GuestConfig } from '../../../src/seal/guest-config';
import { runSealedExchange } from '../../../src/seal/host-exchange';
import { publishGolden, standardRegistry, type PresetInfo } from '../../../src/sim/presets';
import type { SimRegistry } from '../../../src/sim/registry';
import { HyperVSimulator, type SimulatorOptions } from '../../../src/sim/server';
import { createSession, type Session } from '../../../src/services/session';

export interface SimWorld {
  readonly sim: HyperVSimulator;
  readonly registry: SimRegistry;
  readonly preset: PresetInfo;
  open(check?: boolean): Promise<Session>;
  stop(): Promise<void>;
}

export async function startWorld(options: SimulatorOptions = {}): Promise<SimWorld> {
  const registry = options.registry ?? standardRegistry();
  const sim = await HyperVSimulator.start({ ...options, registry });
  const preset = publishGolden(registry, sim.files);
  const open: Hypervisor[] = [];
  return {
    sim,
    registry,
    preset,
    async open(check = false) {
      const hv = await createHypervisor(sim.connectionOptions());
      open.push(hv);
      return createSession(hv, {
        check,
        runExchange: async (r) => ({ attemptId: (await runSealedExchange({ ...r, config: r.config as GuestConfig })).attempt }),
      });
    },
    async stop() {
      await Promise.all(open.map((hv) => hv.close().catch(() => undefined)));
      await sim.stop();
    },
  };
}

/** Everything the simulator knows, as comparable text (check-mode runs must leave it identical). */
export function registrySnapshot(registry: SimRegistry): string {
  return JSON.stringify(
    {
      vms: [...registry.vms.values()].map((vm) => ({ ...vm, kvpHost: [...vm.kvpHost], kvpGuest: [...vm.kvpGuest], intrinsic: [...vm.intrinsic] })),
      vhds: [...registry.vhds.entries()],
      switches: registry.switches,
    },
    null,
    1,
  );
}

export const silent = { warn: (_m: string) => undefined };
