/**
 * The one way tests and benchmarks start the Hyper-V host simulator and reach it. `startSimHost` starts the standard
 * preset on loopback (without the guest agent unless asked); `connect()` opens a Hyper-V driver over SSH to it, one
 * connection each; `stop()` closes every driver it opened, then the simulator. Used by the driver and service tests,
 * the contract suite and the benchmarks; never by shipped code.
 */
import { HyperVHypervisor } from '../drivers/hyperv/index';
import { startStandardSim, type StandardSim, type StandardSimOptions } from '../sim/standard-sim';

export interface SimHost {
  readonly standard: StandardSim;
  connect(): Promise<HyperVHypervisor>;
  stop(): Promise<void>;
}

export async function startSimHost(options: StandardSimOptions = {}): Promise<SimHost> {
  const standard = await startStandardSim({ guestAgent: false, ...options });
  const opened: HyperVHypervisor[] = [];
  return {
    standard,
    async connect() {
      const hv = await HyperVHypervisor.connect(standard.sim.sshOptions());
      opened.push(hv);
      return hv;
    },
    async stop() {
      await Promise.all(opened.map((hv) => hv.close().catch(() => undefined)));
      await standard.stop();
    },
  };
}
