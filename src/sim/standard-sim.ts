/**
 * The simulator with the standard preset: one host, switch `LAN`, storage under D:\Hyper-V, the golden image in the
 * library, and (when the Linux agent is in this checkout) guests that run it. Used by `virtseal sim`, the contract
 * suite and the benchmark.
 */
import type { Clock } from '../core/clock';
import { GuestBridge } from './guest-bridge';
import type { SimTimings } from './context';
import { publishGolden, standardRegistry, type PresetInfo } from './presets';
import { HyperVSimulator } from './server';

export interface StandardSimOptions {
  readonly clock?: Clock;
  readonly password?: string;
  /** Default 0 (ephemeral). */
  readonly port?: number;
  readonly authorizedKeys?: readonly string[];
  /** Run the Linux guest agent in started VMs. Default: when it exists. */
  readonly guestAgent?: boolean;
  /** Agent command override (tests), see GuestBridgeOptions.command. */
  readonly agentCommand?: readonly string[];
  readonly timings?: Partial<SimTimings>;
  readonly profileNoise?: string;
}

export interface StandardSim {
  readonly sim: HyperVSimulator;
  readonly preset: PresetInfo;
  readonly bridge: GuestBridge;
  stop(): Promise<void>;
}

export async function startStandardSim(options: StandardSimOptions = {}): Promise<StandardSim> {
  const registry = standardRegistry();
  const agent = options.guestAgent ?? (options.agentCommand !== undefined || GuestBridge.agentAvailable());
  registry.defaultGuest = agent ? 'linux-agent' : 'plain';
  const bridge = new GuestBridge({ registry, ...(options.agentCommand ? { command: options.agentCommand } : {}) });
  const sim = await HyperVSimulator.start({
    registry,
    guests: bridge,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.password ? { password: options.password } : {}),
    ...(options.port ? { port: options.port } : {}),
    ...(options.authorizedKeys ? { authorizedKeys: options.authorizedKeys } : {}),
    ...(options.timings ? { timings: options.timings } : {}),
    ...(options.profileNoise ? { profileNoise: options.profileNoise } : {}),
  });
  const preset = publishGolden(registry, sim.files);
  return {
    sim,
    preset,
    bridge,
    async stop() {
      await sim.stop();
      bridge.dispose();
    },
  };
}
