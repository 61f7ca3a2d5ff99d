/**
 * Where the Hyper-V contract suite runs: the simulator (always), or a real host when VIRTSEAL_HYPERV_HOST and
 * credentials are set (see docs/hyperv.md). Cases that need simulator-only controls call `simulatorOnly(reason)`.
 */
import { randomBytes } from 'node:crypto';
import { HyperVHypervisor } from '../../src/drivers/hyperv/index';
import type { StandardSim } from '../../src/sim/standard-sim';
import { startSimHost } from '../../src/testing/with-sim';

export interface ContractTarget {
  readonly kind: 'simulator' | 'real';
  readonly hv: HyperVHypervisor;
  readonly switchName: string;
  readonly imageName: string;
  /** Present on the simulator only. */
  readonly sim?: StandardSim;
  /** Unique VM name for this run. */
  name(label: string): string;
  close(): Promise<void>;
}

export function realHostConfigured(): boolean {
  return Boolean(process.env.VIRTSEAL_HYPERV_HOST);
}

export async function openTarget(): Promise<ContractTarget> {
  const run = randomBytes(3).toString('hex');
  const name = (label: string): string => `vs-contract-${run}-${label}`;
  if (realHostConfigured()) {
    const env = process.env;
    const hv = await HyperVHypervisor.connect(
      {
        host: env.VIRTSEAL_HYPERV_HOST!,
        port: Number(env.VIRTSEAL_HYPERV_PORT ?? 22),
        user: env.VIRTSEAL_HOST_USER ?? 'Administrator',
        ...(env.VIRTSEAL_HOST_PASSWORD ? { password: env.VIRTSEAL_HOST_PASSWORD } : {}),
        ...(env.VIRTSEAL_HOST_PRIVATE_KEY ? { privateKey: env.VIRTSEAL_HOST_PRIVATE_KEY } : {}),
        ...(env.VIRTSEAL_HOST_KEY_FINGERPRINT ? { hostKeyFingerprint: env.VIRTSEAL_HOST_KEY_FINGERPRINT } : {}),
        ...(env.VIRTSEAL_HYPERV_KNOWN_HOSTS ? { knownHostsFile: env.VIRTSEAL_HYPERV_KNOWN_HOSTS } : {}),
      },
      env.VIRTSEAL_HYPERV_LIBRARY ? { imageLibraryPath: env.VIRTSEAL_HYPERV_LIBRARY } : {},
    );
    return {
      kind: 'real',
      hv,
      switchName: env.VIRTSEAL_HYPERV_SWITCH ?? 'Default Switch',
      imageName: env.VIRTSEAL_HYPERV_IMAGE ?? 'debian-12-golden',
      name,
      close: () => hv.close(),
    };
  }
  const host = await startSimHost();
  const sim = host.standard;
  return {
    kind: 'simulator',
    hv: await host.connect(),
    sim,
    switchName: sim.preset.switchName,
    imageName: sim.preset.imageName,
    name,
    close: () => host.stop(),
  };
}

/** Skips the current test on a real host, printing why it only runs on the simulator. */
export function simulatorOnly(ctx: Mocha.Context, target: ContractTarget, reason: string): StandardSim {
  if (!target.sim) {
    console.log(`      skipped on a real host: ${reason}`);
    ctx.skip();
  }
  return target.sim!;
}
