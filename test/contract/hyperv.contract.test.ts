/**
 * What only the Hyper-V driver promises, beyond the shared driver contract (driver-contract.ts, run by
 * hyperv-sim.driver.contract.test.ts): against the simulator on every run and against a real Hyper-V host when
 * VIRTSEAL_HYPERV_HOST and credentials are set. When the two disagree, the simulator is fixed from what the real
 * host printed.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuestTimeout, HostUnreachable, ScriptFailed } from '../../src/core/errors';
import { gibibytes } from '../../src/core/units';
import type { VmSpec } from '../../src/drivers/types';
import { openTarget, simulatorOnly, type ContractTarget } from './hyperv-target';

describe('Hyper-V driver contract', function () {
  this.timeout(600_000);
  let t: ContractTarget;
  const created: string[] = [];
  let dir: string;

  const spec = (label: string, extra: Partial<VmSpec> = {}): VmSpec => ({
    name: t.name(label),
    generation: 2,
    cpuCount: 2,
    memory: { startupMb: 1024 },
    disks: [{ name: 'os', image: t.imageName, sizeBytes: gibibytes(16) }],
    nics: [{ name: 'eth0', network: t.switchName }],
    ...extra,
  });
  const create = async (label: string, extra: Partial<VmSpec> = {}) => {
    const vm = await t.hv.vms.createVm({ spec: spec(label, extra) });
    created.push(vm.id);
    return vm;
  };

  before(async () => {
    t = await openTarget();
    dir = mkdtempSync(join(tmpdir(), 'virtseal-contract-'));
    console.log(`      target: ${t.kind}`);
  });
  after(async () => {
    for (const id of created) await t.hv.vms.deleteVm({ id, removeOwnedDisks: true }).catch(() => undefined);
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => t.sim?.sim.faults.clear());

  it('reports whether the SSH user is an administrator', async () => {
    expect((await t.hv.facts()).extra.isAdmin).to.be.a('boolean');
  });

  it('reads back the automatic stop action and a 16 GiB disk grown from the golden image', async () => {
    const vm = await create('a', { automaticStopAction: 'shutdown' });
    expect(vm.automaticStopAction).to.equal('shutdown');
    expect(vm.disks[0]).to.deep.include({ name: 'os', owned: true, sizeBytes: gibibytes(16) });
    expect(await t.hv.vms.findVm({ ref: { id: vm.id } })).to.deep.equal(vm);
  });

  it('reconfigures dynamic memory and the secure boot template', async () => {
    const vm = (await t.hv.vms.findVm({ ref: { name: t.name('a') } }))!;
    const after = await t.hv.vms.reconfigureVm({
      id: vm.id,
      changes: {
        cpuCount: 4,
        memory: { startupMb: 2048, dynamic: true, minimumMb: 1024, maximumMb: 4096 },
        secureBoot: 'MicrosoftUEFICertificateAuthority',
      },
    });
    expect(after.cpuCount).to.equal(4);
    expect(after.memory).to.deep.include({ startupMb: 2048, dynamic: true, minimumMb: 1024, maximumMb: 4096 });
    expect(after.secureBoot).to.equal('MicrosoftUEFICertificateAuthority');
  });

  it('adds a NIC on a VLAN and removes it', async () => {
    const vm = (await t.hv.vms.findVm({ ref: { name: t.name('a') } }))!;
    const nic = await t.hv.nics.addNic({ vmId: vm.id, nic: { name: 'backup', network: t.switchName, vlanId: 10 } });
    expect(nic.vlanId).to.equal(10);
    await t.hv.nics.removeNic({ vmId: vm.id, name: 'backup' });
    expect((await t.hv.vms.findVm({ ref: { id: vm.id } }))!.nics.map((n) => n.name)).to.deep.equal(['eth0']);
  });

  it('saves a running VM and turns the saved VM off', async () => {
    const vm = await create('p');
    await t.hv.power.start({ id: vm.id });
    await t.hv.power.save({ id: vm.id });
    expect((await t.hv.vms.findVm({ ref: { id: vm.id } }))!.state).to.equal('saved');
    await t.hv.power.turnOff({ id: vm.id });
    expect((await t.hv.vms.findVm({ ref: { id: vm.id } }))!.state).to.equal('off');
  });

  it('resumes a publish after the SSH connection drops', async function () {
    const sim = simulatorOnly(this, t, "dropping the connection mid-transfer needs the simulator's sftp.write fault");
    const file = join(dir, 'drop.vhdx');
    writeFileSync(file, randomBytes(4 * 1024 * 1024));
    sim.sim.faults.add({ operation: 'sftp.write', afterBytes: 2 * 1024 * 1024, kind: 'drop', count: 1 });
    const r = await t.hv.images.publishImage({ localPath: file, name: t.name('drop') });
    expect(sim.sim.faults.firedCounts()).to.deep.equal([1]);
    expect(r.skipped).to.equal(false);
  });

  it('shuts down gracefully, then forces off after the timeout', async function () {
    const sim = simulatorOnly(this, t, 'a guest that ignores shutdown requests is a simulator guest kind');
    const vm = await create('s');
    sim.sim.registry.vm(vm.id)!.guest = 'unresponsive';
    await t.hv.power.start({ id: vm.id });
    expect(
      await t.hv.power.shutdown({ id: vm.id, timeoutMs: 1000, force: false }).catch((e: unknown) => e),
    ).to.be.instanceOf(GuestTimeout);
    expect(await t.hv.power.shutdown({ id: vm.id, timeoutMs: 1000, force: true })).to.deep.equal({ forced: true });
  });

  it('surfaces a host-side script error as one line, and a dropped link as HostUnreachable', async function () {
    const sim = simulatorOnly(this, t, 'host errors and dropped links are injected by simulator fault rules');
    sim.sim.faults.add({
      operation: 'vm-list',
      count: 1,
      error: 'Hyper-V encountered an error.\r\nThe operation failed.',
    });
    const e1 = await t.hv.vms.listVms().catch((e: unknown) => e);
    expect(e1).to.be.instanceOf(ScriptFailed);
    // One line, with the position of the failing call in vm-list.ps1.
    expect((e1 as Error).message).to.match(
      /^vm-list\.ps1: Hyper-V encountered an error\. The operation failed\. \(line \d+\)$/,
    );
    sim.sim.faults.add({ operation: 'vm-list', count: 1, kind: 'drop' });
    expect(await t.hv.vms.listVms().catch((e: unknown) => e)).to.be.instanceOf(HostUnreachable);
    expect(Array.isArray(await t.hv.vms.listVms())).to.equal(true);
  });

  it('adds and removes the failover cluster role', async function () {
    if (t.kind === 'real' && !(await t.hv.facts()).cluster) {
      console.log('      skipped on a real host: the host is not a failover cluster node');
      this.skip();
    }
    if (t.sim) t.sim.sim.registry.host.cluster = { name: 'HVCLU01', nodes: ['HV-SIM01'] };
    const vm = (await t.hv.vms.findVm({ ref: { name: t.name('a') } }))!;
    await t.hv.cluster.addRole({ vmId: vm.id });
    expect(await t.hv.cluster.hasRole({ vmId: vm.id })).to.equal(true);
    await t.hv.cluster.removeRole({ vmId: vm.id });
    expect(await t.hv.cluster.hasRole({ vmId: vm.id })).to.equal(false);
  });

  it('uses one SSH connection and one PowerShell process for the whole suite, except after deliberate drops', function () {
    if (t.kind === 'real') this.skip();
    const connects = t.hv.session.connection.stats.connects;
    expect(connects).to.be.at.most(3); // the initial one plus the two deliberate drops
    expect(t.sim!.sim.stats.execs).to.equal(t.hv.session.connection.stats.execs);
    // A process lives as long as its connection: at most one per connection, however many operations ran.
    expect(t.hv.session.runner.stats.processes).to.equal(t.sim!.sim.stats.execs);
    expect(t.hv.session.runner.stats.processes).to.be.at.most(connects);
    expect(t.hv.session.runner.stats.requests).to.be.above(20);
  });
});
