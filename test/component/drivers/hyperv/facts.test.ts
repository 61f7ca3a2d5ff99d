import { expect } from 'chai';
import { closeSim, openSim, type SimFixture } from './sim-fixture';

describe('drivers/hyperv/facts', () => {
  let f: SimFixture;
  before(async () => (f = await openSim()));
  after(() => closeSim(f));

  it('reports version, switches, storage with free space, VM count and session traits', async () => {
    const facts = await f.hv.facts();
    expect(facts).to.deep.include({ hypervisor: 'hyperv', hostname: 'HV-SIM01', vmCount: 0 });
    expect(facts.switches).to.deep.equal([{ name: 'LAN', type: 'External' }]);
    expect(facts.storage.map((s) => s.path)).to.include('C:\\ProgramData\\virtseal\\images');
    expect(facts.storage.every((s) => s.freeBytes > 0)).to.equal(true);
    expect(facts.cluster).to.equal(undefined);
    expect(facts.extra).to.deep.include({
      languageMode: 'FullLanguage',
      isAdmin: true,
      hostKeyFingerprint: f.running.sim.hostKeyFingerprint,
    });
  });
});

describe('drivers/hyperv with PowerShell 7', () => {
  it('runs the same scripts through pwsh.exe', async () => {
    const { startStandardSim } = await import('../../../../src/sim/standard-sim');
    const { HyperVHypervisor } = await import('../../../../src/drivers/hyperv/index');
    const s = await startStandardSim({ guestAgent: false });
    const ssh = s.sim.sshOptions();
    const hv = await HyperVHypervisor.connect(ssh, { executable: 'pwsh.exe' });
    try {
      expect((await hv.facts()).hostname).to.equal('HV-SIM01');
      expect(s.sim.commands[0]).to.match(/^pwsh\.exe -NoProfile -NonInteractive -EncodedCommand /);
    } finally {
      await hv.close();
      await s.stop();
    }
  });
});
