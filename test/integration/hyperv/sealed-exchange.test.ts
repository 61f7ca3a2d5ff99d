/**
 * End to end on the simulator: the Hyper-V driver creates and starts a VM, the simulated guest boots by running the
 * real Linux agent (sh + openssl) on pool files bridged to the registry's KVP, and the host side of the sealed
 * exchange runs over the driver's KVP channel until the guest reports `applied`.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HyperVHypervisor } from '../../../src/drivers/hyperv/index';
import { gibibytes } from '../../../src/core/units';
import { runSealedExchange } from '../../../src/seal/host-exchange';
import { GuestBridge } from '../../../src/sim/guest-bridge';
import type { StandardSim } from '../../../src/sim/standard-sim';
import { startSimHost, type SimHost } from '../../../src/testing/with-sim';

const SECRET = 'Canary-Admin-Secret-4417';

describe('sealed exchange over the Hyper-V driver against the simulator (real Linux agent)', () => {
  let host: SimHost;
  let s: StandardSim;
  let hv: HyperVHypervisor;
  before(async function () {
    if (!GuestBridge.agentAvailable()) {
      console.log('      skipped: src/guest/linux/virtseal-agent is not in this checkout');
      this.skip();
    }
    host = await startSimHost({ guestAgent: true });
    s = host.standard;
    hv = await host.connect();
  });
  after(async () => host?.stop());

  it('applies the config in the guest, removes every host item and keeps secrets out of logs', async () => {
    const vm = await hv.vms.createVm({
      spec: {
        name: 'sealed-01',
        generation: 2,
        cpuCount: 2,
        memory: { startupMb: 2048 },
        disks: [{ name: 'os', image: 'debian-12-golden', sizeBytes: gibibytes(20) }],
        nics: [{ name: 'eth0', network: 'LAN' }],
      },
    });
    await hv.power.start({ id: vm.id });
    const result = await runSealedExchange({
      channel: hv.guestChannel({ vmId: vm.id }),
      vmId: vm.id,
      config: { hostname: 'web01', admin: { name: 'alice', password: SECRET } },
      timeoutMs: 120_000,
    });
    expect(result).to.deep.include({ protocol: 'v3', state: 'applied' });
    expect(await hv.guestChannel({ vmId: vm.id }).listHostItems()).to.deep.equal([]);
    const run = s.bridge.runs.get(vm.id);
    if (run) expect(await run.exited).to.equal(0);
    const root = s.bridge.dirs(s.sim.registry.vm(vm.id)!).root;
    expect(readFileSync(join(root, 'etc/hostname'), 'utf8').trim()).to.equal('web01');
    expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).to.match(/^alice:/m);
    expect(s.sim.log.text()).to.not.include(SECRET);
    expect(hv.session.runner.history.map((h) => h.display).join('\n')).to.not.include(SECRET);
  });
});
