import { expect } from 'chai';
import { Conflict, NotFound } from '../../../../src/core/errors';
import { gibibytes } from '../../../../src/core/units';
import { basicSpec, closeSim, openSim, type SimFixture } from './sim-fixture';

describe('drivers/hyperv/disk', () => {
  let f: SimFixture;
  let id: string;
  before(async () => {
    f = await openSim();
    id = (await f.hv.vms.createVm({ spec: basicSpec('disk-vm') })).id;
  });
  after(() => closeSim(f));

  it('adds an empty disk and an image clone by name, each in one script run', async () => {
    const { execs, requests } = f.running.sim.stats;
    const data = await f.hv.disks.addDisk({ vmId: id, disk: { name: 'data', sizeBytes: gibibytes(50) } });
    expect(f.running.sim.stats.requests - requests, 'script runs').to.equal(1);
    expect(f.running.sim.stats.execs - execs, 'new PowerShell processes').to.equal(0);
    expect(data).to.deep.include({ name: 'data', sizeBytes: gibibytes(50), owned: true });
    const clone = await f.hv.disks.addDisk({
      vmId: id,
      disk: { name: 'tools', image: 'debian-12-golden', clone: 'differencing' },
    });
    expect(clone.parentPath).to.match(/debian-12-golden\.vhdx$/);
    const vm = (await f.hv.vms.findVm({ ref: { id } }))!;
    expect(vm.disks.map((d) => d.name)).to.deep.equal(['os', 'data', 'tools']);
  });

  it('grows a disk and refuses to shrink it', async () => {
    const grown = await f.hv.disks.resizeDisk({ vmId: id, name: 'data', sizeBytes: gibibytes(80) });
    expect(grown.sizeBytes).to.equal(gibibytes(80));
    const error = await f.hv.disks
      .resizeDisk({ vmId: id, name: 'data', sizeBytes: gibibytes(10) })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Conflict);
    expect((error as Error).message).to.match(/shrinking .* is refused/);
  });

  it('removes a disk and deletes its file only when the VM owns it', async () => {
    const path = (await f.hv.vms.findVm({ ref: { id } }))!.disks.find((d) => d.name === 'data')!.path;
    await f.hv.disks.removeDisk({ vmId: id, name: 'data', deleteFile: true });
    expect(f.running.sim.files.exists(path)).to.equal(false);
    const image = 'C:\\ProgramData\\virtseal\\images\\debian-12-golden.vhdx';
    await f.hv.disks.addDisk({ vmId: id, disk: { name: 'shared', path: image } });
    const attached = (await f.hv.vms.findVm({ ref: { id } }))!.disks.find((d) => d.path === image)!;
    expect(attached.owned).to.equal(false);
    await f.hv.disks.removeDisk({ vmId: id, name: attached.name, deleteFile: true });
    expect(f.running.sim.files.exists(image)).to.equal(true);
    expect(
      await f.hv.disks.removeDisk({ vmId: id, name: 'nope', deleteFile: false }).catch((e: unknown) => e),
    ).to.be.instanceOf(NotFound);
  });
});
