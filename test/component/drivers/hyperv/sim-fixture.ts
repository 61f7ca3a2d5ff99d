/** Starts the standard simulator and a driver connected to it, per test file. */
import type { ManualClock } from '../../../../src/core/clock';
import type { HyperVHypervisor } from '../../../../src/drivers/hyperv/index';
import type { VmSpec } from '../../../../src/drivers/types';
import { gibibytes } from '../../../../src/core/units';
import type { StandardSim, StandardSimOptions } from '../../../../src/sim/standard-sim';
import { startSimHost, type SimHost } from '../../../../src/testing/with-sim';

export interface SimFixture {
  readonly host: SimHost;
  readonly running: StandardSim;
  readonly hv: HyperVHypervisor;
}

export async function openSim(options: StandardSimOptions = {}): Promise<SimFixture> {
  const host = await startSimHost(options);
  return { host, running: host.standard, hv: await host.connect() };
}

export async function closeSim(f: SimFixture | undefined): Promise<void> {
  await f?.host.stop();
}

export function basicSpec(name: string, extra: Partial<VmSpec> = {}): VmSpec {
  return {
    name,
    generation: 2,
    cpuCount: 2,
    memory: { startupMb: 2048 },
    disks: [{ name: 'os', image: 'debian-12-golden', sizeBytes: gibibytes(20) }],
    nics: [{ name: 'eth0', network: 'LAN' }],
    ...extra,
  };
}

/** Runs `promise` on simulated time: whenever something sleeps on the manual clock (a simulated job, or the host
 * script's own Start-Sleep), time jumps to the earliest wake-up; while real work runs (PowerShell computing, I/O),
 * simulated time stands still, as it would on a host where that work takes no time. `stepMs` caps one jump. */
export async function drive<T>(
  clock: ManualClock,
  promise: Promise<T>,
  stepMs = 1000,
  maxSteps = 1_000_000,
): Promise<T> {
  let done = false;
  const tracked = promise.finally(() => (done = true));
  tracked.catch(() => undefined); // handled by the caller; avoids an unhandled-rejection warning while driving
  for (let i = 0; i < maxSteps && !done; i += 1) {
    await new Promise((r) => setTimeout(r, 2));
    const due = clock.nextDue();
    if (due !== undefined) clock.advance(Math.max(0, Math.min(stepMs, due - clock.now())));
  }
  return tracked;
}
