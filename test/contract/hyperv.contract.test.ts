/**
 * The Hyper-V driver contract: the same cases against the simulator on every run and against a real Hyper-V host
 * when VIRTSEAL_HYPERV_HOST and credentials are set. When the two disagree, the simulator is fixed from what the
 * real host printed.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Conflict, GuestTimeout, HostUnreachable, NotFound, ScriptFailed } from '../../src/core/errors';
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

  it('reports host facts', async () => {
    const facts = await t.hv.facts();
    expect(facts.hypervisor).to.equal('hyperv');
    expect(facts.switches.map((s) => s.name)).to.include(t.switchName);
    expect(facts.storage.length).to.be.greaterThan(0);
    expect(facts.extra.isAdmin).to.be.a('boolean');
  });

  it('creates a VM from the golden image and reads back its actual configuration', async () => {
    const vm = await create('a', { tags: ['contract'], notes: "O'Brien $(x) 🚀", automaticStopAction: 'shutdown' });
    expect(vm).to.deep.include({
      name: t.name('a'),
      state: 'off',
      cpuCount: 2,
      generation: 2,
      notes: "O'Brien $(x) 🚀",
    });
    expect(vm.tags).to.deep.equal(['contract']);
    expect(vm.disks[0]).to.deep.include({ name: 'os', owned: true, sizeBytes: gibibytes(16) });
    expect(vm.nics[0]!.network).to.equal(t.switchName);
    expect(vm.automaticStopAction).to.equal('shutdown');
    const found = await t.hv.vms.findVm({ ref: { id: vm.id } });
    expect(found).to.deep.equal(vm);
  });

  it('detects a name collision before creating anything', async () => {
    expect(await t.hv.vms.createVm({ spec: spec('a') }).catch((e: unknown) => e)).to.be.instanceOf(Conflict);
  });

  it('reconfigures CPU, memory and secure boot template', async () => {
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

  it('adds, grows and removes a data disk and a second NIC', async () => {
    const vm = (await t.hv.vms.findVm({ ref: { name: t.name('a') } }))!;
    const disk = await t.hv.disks.addDisk({ vmId: vm.id, disk: { name: 'data', sizeBytes: gibibytes(1) } });
    expect(disk.sizeBytes).to.equal(gibibytes(1));
    expect((await t.hv.disks.resizeDisk({ vmId: vm.id, name: 'data', sizeBytes: gibibytes(2) })).sizeBytes).to.equal(
      gibibytes(2),
    );
    await t.hv.disks.removeDisk({ vmId: vm.id, name: 'data', deleteFile: true });
    const nic = await t.hv.nics.addNic({ vmId: vm.id, nic: { name: 'backup', network: t.switchName, vlanId: 10 } });
    expect(nic.vlanId).to.equal(10);
    await t.hv.nics.removeNic({ vmId: vm.id, name: 'backup' });
    expect((await t.hv.vms.findVm({ ref: { id: vm.id } }))!.disks.map((d) => d.name)).to.deep.equal(['os']);
  });

  it('writes, lists and removes host KVP items', async () => {
    const vm = (await t.hv.vms.findVm({ ref: { name: t.name('a') } }))!;
    const channel = t.hv.guestChannel({ vmId: vm.id });
    await channel.writeHostItems([
      ['virtseal.contract.a', '1'],
      ['virtseal.contract.b', "O'Brien 🚀"],
    ]);
    await channel.writeHostItems([['virtseal.contract.a', '2']]);
    expect([...(await channel.listHostItems())].sort()).to.deep.equal(['virtseal.contract.a', 'virtseal.contract.b']);
    await channel.removeHostItems(['virtseal.contract.a', 'virtseal.contract.b']);
    expect(await channel.listHostItems()).to.deep.equal([]);
  });

  it('creates, lists, applies and removes checkpoints', async () => {
    const vm = (await t.hv.vms.findVm({ ref: { name: t.name('a') } }))!;
    await t.hv.checkpoints.createCheckpoint({ vmId: vm.id, name: 'cp one' });
    expect((await t.hv.checkpoints.listCheckpoints({ vmId: vm.id })).map((c) => c.name)).to.deep.equal(['cp one']);
    await t.hv.checkpoints.applyCheckpoint({ vmId: vm.id, name: 'cp one' });
    await t.hv.checkpoints.removeCheckpoint({ vmId: vm.id, name: 'cp one' });
    expect(await t.hv.checkpoints.listCheckpoints({ vmId: vm.id })).to.deep.equal([]);
  });

  it('starts, saves and turns off a VM', async () => {
    const vm = await create('p');
    await t.hv.power.start({ id: vm.id });
    expect((await t.hv.vms.findVm({ ref: { id: vm.id } }))!.state).to.equal('running');
    await t.hv.power.save({ id: vm.id });
    expect((await t.hv.vms.findVm({ ref: { id: vm.id } }))!.state).to.equal('saved');
    await t.hv.power.turnOff({ id: vm.id });
    expect((await t.hv.vms.findVm({ ref: { id: vm.id } }))!.state).to.equal('off');
  });

  it('refuses to delete a disk another VM uses, then deletes VMs with their own disks', async () => {
    const base = await create('base', { disks: [{ name: 'os', image: t.imageName, clone: 'copy' }] });
    const user = await create('user', { disks: [{ name: 'shared', path: base.disks[0]!.path }] });
    expect(await t.hv.vms.deleteVm({ id: base.id, removeOwnedDisks: true }).catch((e: unknown) => e)).to.be.instanceOf(
      Conflict,
    );
    await t.hv.vms.deleteVm({ id: user.id, removeOwnedDisks: true });
    await t.hv.vms.deleteVm({ id: base.id, removeOwnedDisks: true });
    expect(await t.hv.vms.findVm({ ref: { id: base.id } })).to.equal(undefined);
    expect(await t.hv.vms.deleteVm({ id: base.id, removeOwnedDisks: true }).catch((e: unknown) => e)).to.be.instanceOf(
      NotFound,
    );
  });

  it('publishes an image once and skips it when the same hash is there', async function () {
    if (t.kind === 'real' && !process.env.VIRTSEAL_HYPERV_PUBLISH) {
      console.log(
        '      skipped on a real host: set VIRTSEAL_HYPERV_PUBLISH=1 to allow a test file in the image library',
      );
      this.skip();
    }
    const file = join(dir, 'contract.vhdx');
    writeFileSync(file, randomBytes(2 * 1024 * 1024 + 17));
    const name = t.name('image');
    const first = await t.hv.images.publishImage({ localPath: file, name });
    expect(first.skipped).to.equal(false);
    const second = await t.hv.images.publishImage({ localPath: file, name });
    expect(second).to.deep.include({ skipped: true, sentBytes: 0 });
    expect(second.image.sha256).to.equal(first.image.sha256);
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
