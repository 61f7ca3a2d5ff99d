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
    expect((await f.hv.checkpoints.listCheckpoints({ vmId: id })).map((c) => c.name)).to.deep.equal(['before upgrade', 'after']);
    expect(await f.hv.checkpoints.createCheckpoint({ vmId: id, name: 'after' }).catch((e: unknown) => e)).to.be.instanceOf(Conflict);
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
    expect(await f.hv.checkpoints.applyCheckpoint({ vmId: id, name: 'after' }).catch((e: unknown) => e)).to.be.instanceOf(NotFound);
  });
});
