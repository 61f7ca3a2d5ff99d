import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { type InvalidArgument, NotFound } from '../../../../src/core/errors';
import { basicSpec, closeSim, openSim, type SimFixture } from './sim-fixture';

describe('drivers/hyperv/media', () => {
  let f: SimFixture;
  before(async () => (f = await openSim()));
  after(() => closeSim(f));

  it('attaches and detaches the provisioning ISO', async () => {
    const id = (await f.hv.vms.createVm({ spec: basicSpec('media-vm') })).id;
    const iso = 'C:\\ProgramData\\virtseal\\media\\seal-media-vm.iso';
    writeFileSync(f.running.sim.files.ensureParent(iso), 'iso');
    await f.hv.media.attachIso({ vmId: id, path: iso });
    expect((await f.hv.vms.findVm({ ref: { id } }))!.dvd).to.equal(iso);
    await f.hv.media.detachIso({ vmId: id });
    expect((await f.hv.vms.findVm({ ref: { id } }))!.dvd).to.equal(undefined);
    expect(await f.hv.media.attachIso({ vmId: id, path: 'C:\\missing.iso' }).catch((e: unknown) => e)).to.be.instanceOf(
      NotFound,
    );
    expect(
      await f.hv.media.attachIso({ vmId: id, path: 'relative.iso' }).catch((e: InvalidArgument) => e.option),
    ).to.equal('path');
  });
});
