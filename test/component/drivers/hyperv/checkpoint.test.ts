import { expect } from 'chai';
import { Conflict, NotFound } from '../../../../src/core/errors';
import { basicSpec, closeSim, openSim, type SimFixture } from './sim-fixture';

describe('drivers/hyperv/checkpoint', () => {
  let f: SimFixture;
  before(async () => (f = await openSim()));
  after(() => closeSim(f));

  it('creates, lists, applies and removes checkpoints by name', async () => {
    const id = (await f.hv.vms.createVm({ spec: basicSpec('cp-vm', { tags: ['v1'] }) })).id;
    const first = await f.hv.checkpoints.createCheckpoint({ vmId: id, name: 'before upgrade' });
    expect(first.createdAt).to.match(/^\d{4}-\d\d-\d\dT/);
    await f.hv.vms.reconfigureVm({ id, changes: { cpuCount: 8, tags: ['v2'], notes: 'upgraded' } });
    const second = await f.hv.checkpoints.createCheckpoint({ vmId: id, name: 'after' });
    expect(second.parentId).to.equal(first.id);
    expect((await f.hv.checkpoints.listCheckpoints({ vmId: id })).map((c) => c.name)).to.deep.equal([
      'before upgrade',
      'after',
    ]);
    expect(
      await f.hv.checkpoints.createCheckpoint({ vmId: id, name: 'after' }).catch((e: unknown) => e),
    ).to.be.instanceOf(Conflict);
    await f.hv.checkpoints.applyCheckpoint({ vmId: id, name: 'before upgrade' });
    expect((await f.hv.vms.findVm({ ref: { id } }))!.cpuCount).to.equal(2);
    await f.hv.checkpoints.applyCheckpoint({ vmId: id, name: 'after' });
    await f.hv.checkpoints.applyCheckpoint({ vmId: id, name: 'before upgrade' });
    // The notes came back with the checkpoint: a tag change now merges into those, not the ones written earlier.
    const retagged = await f.hv.vms.reconfigureVm({ id, changes: { tags: ['v1', 'restored'] } });
    expect(retagged).to.deep.include({ notes: '' });
    expect(retagged.tags).to.deep.equal(['v1', 'restored']);
    expect(retagged.disks.map((d) => d.name)).to.deep.equal(['os']);
    await f.hv.checkpoints.removeCheckpoint({ vmId: id, name: 'after' });
    expect((await f.hv.checkpoints.listCheckpoints({ vmId: id })).map((c) => c.name)).to.deep.equal(['before upgrade']);
    expect(
      await f.hv.checkpoints.applyCheckpoint({ vmId: id, name: 'after' }).catch((e: unknown) => e),
    ).to.be.instanceOf(NotFound);
  });

  it("keeps a disk's identity while Hyper-V writes to an .avhdx, and deletes the merged base disk with the VM", async () => {
    const vm = await f.hv.vms.createVm({ spec: basicSpec('avhdx-vm') });
    const base = vm.disks[0]!.path;
    await f.hv.checkpoints.createCheckpoint({ vmId: vm.id, name: 'cp' });
    // Hyper-V moved the drive to <name>_<GUID>.avhdx, a child of the base disk (checkpoints.md).
    const drive = f.running.sim.registry.vm(vm.id)!.disks[0]!.path;
    expect(drive).to.match(/\\os_[0-9A-F-]{36}\.avhdx$/);
    const read = (await f.hv.vms.findVm({ ref: { id: vm.id } }))!;
    expect(read.disks.map((d) => [d.name, d.path, d.owned])).to.deep.equal([['os', base, true]]);
    // A production checkpoint holds no memory: applied to a running VM, the VM is Off afterwards.
    await f.hv.power.start({ id: vm.id });
    await f.hv.checkpoints.applyCheckpoint({ vmId: vm.id, name: 'cp' });
    expect((await f.hv.vms.findVm({ ref: { id: vm.id } }))!.state).to.equal('off');
    await f.hv.vms.deleteVm({ id: vm.id, removeOwnedDisks: true });
    expect(f.running.sim.files.exists(base)).to.equal(false);
    expect(f.running.sim.files.exists(drive)).to.equal(false);
    // Remove-VM leaves the VM's folders; deleting with the owned disks removes them once empty.
    expect(f.running.sim.files.exists(base.slice(0, base.indexOf('\\Virtual Hard Disks')))).to.equal(false);
  });
});
