/** Simulator behaviour that the driver tests do not cover: faults, the log, shells, auth by key. */
import { expect } from 'chai';
import ssh2 from 'ssh2';
import { ScriptFailed } from '../../../src/core/errors';
import { SshConnection } from '../../../src/transport/ssh-connection';
import { FaultRules } from '../../../src/sim/faults';
import { HyperVSimulator } from '../../../src/sim/server';
import { ManualClock } from '../../../src/core/clock';
import { basicSpec, closeSim, drive, openSim, type SimFixture } from '../drivers/hyperv/sim-fixture';

describe('sim/faults', () => {
  it('matches by operation and target, counts down, and peeks without consuming', () => {
    const rules = new FaultRules();
    rules.add({ operation: 'vm-create', target: 'web', count: 2 });
    rules.add({ operation: '*', kind: 'crash' });
    expect(rules.match('vm-create', ['db-01'])?.kind).to.equal('crash');
    expect(rules.match('vm-create', ['web-01'], { peek: true })?.target).to.equal('web');
    expect(rules.match('vm-create', ['web-01'])?.target).to.equal('web');
    expect(rules.match('vm-create', ['web-01'])?.target).to.equal('web');
    expect(rules.match('vm-create', ['web-01'])?.kind).to.equal('crash');
    expect(rules.firedCounts()).to.deep.equal([2, 2]);
  });
});

describe('sim/server', () => {
  let f: SimFixture;
  before(async () => (f = await openSim()));
  after(() => closeSim(f));
  afterEach(() => f.running.sim.faults.clear());

  it('applies a fault rule to one target only, for the given count', async () => {
    f.running.sim.faults.add({
      operation: 'vm-create',
      target: 'unlucky',
      count: 1,
      error: 'Insufficient system resources exist',
    });
    const error = await f.hv.vms.createVm({ spec: basicSpec('unlucky') }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ScriptFailed);
    expect((error as Error).message).to.match(/^vm-create\.ps1: Insufficient system resources exist \(line \d+\)$/);
    expect((await f.hv.vms.createVm({ spec: basicSpec('lucky') })).name).to.equal('lucky');
    expect((await f.hv.vms.createVm({ spec: basicSpec('unlucky') })).name).to.equal('unlucky');
  });

  it('delays a faulty answer by simulated time on the injected clock', async () => {
    const clock = new ManualClock(0);
    const g = await openSim({ clock });
    try {
      g.running.sim.faults.add({ operation: 'vm-list', delayMs: 90_000, count: 1, error: 'late failure' });
      let settled = false;
      const pending = g.hv.vms
        .listVms()
        .catch((e: Error) => e.message)
        .finally(() => (settled = true));
      for (let i = 0; i < 20 && !settled; i += 1) {
        await new Promise((r) => setTimeout(r, 10));
        clock.advance(1_000);
      }
      expect(settled, 'still waiting after 20 s of simulated time').to.equal(false);
      const result = await drive(clock, pending, 10_000);
      expect(result).to.match(/^vm-list\.ps1: late failure \(line \d+\)$/);
      expect(clock.now()).to.be.at.least(90_000);
    } finally {
      await closeSim(g);
    }
  });

  it('answers a program other than PowerShell as cmd.exe would, and runs any PowerShell on the simulated host', async () => {
    const conn = f.hv.session.connection;
    const r = await conn.exec('dir C:\\');
    expect(r.code).to.equal(1);
    expect(r.stderr.toString()).to.match(/is not recognized as an internal or external command/);
    const text =
      "'{0} {1} {2}' -f (Test-Path -LiteralPath 'D:\\Hyper-V'), (Join-Path 'C:\\a' 'b'), (Hyper-V\\Get-VMHost).Name";
    const b = await conn.exec(
      `powershell.exe -NoProfile -NonInteractive -EncodedCommand ${Buffer.from(text, 'utf16le').toString('base64')}`,
    );
    expect(b.stdout.toString().trim()).to.equal('True C:\\a\\b HV-SIM01');
  });

  it('logs operations and targets but never argument values or the password', async () => {
    const canary = 'Canary-KVP-Value-9911';
    const vm = await f.hv.vms.createVm({ spec: basicSpec('logged') });
    await f.hv.guestChannel({ vmId: vm.id }).writeHostItems([['secret.key', canary]]);
    f.running.sim.faults.add({ operation: 'kvp-set', error: `failed on ${canary}` });
    await f.hv
      .guestChannel({ vmId: vm.id })
      .writeHostItems([['secret.key', canary]])
      .catch(() => undefined);
    const text = f.running.sim.log.text() + JSON.stringify(f.running.sim.log.entries);
    expect(text).to.include('kvp-set');
    expect(text).to.not.include(canary);
    expect(text).to.not.include(f.running.sim.password);
  });

  it('accepts public-key authentication for listed keys only', async () => {
    const key = ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 });
    const sim = await HyperVSimulator.start({ authorizedKeys: [key.public] });
    try {
      const conn = await SshConnection.connect({
        host: sim.host,
        port: sim.port,
        user: sim.user,
        privateKey: key.private,
        hostKeyFingerprint: sim.hostKeyFingerprint,
      });
      await conn.close();
      const other = ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 });
      const error = await SshConnection.connect({
        host: sim.host,
        port: sim.port,
        user: sim.user,
        privateKey: other.private,
        hostKeyFingerprint: sim.hostKeyFingerprint,
      }).catch((e: unknown) => e);
      expect((error as Error).name).to.equal('AuthFailed');
    } finally {
      await sim.stop();
    }
  });
});
