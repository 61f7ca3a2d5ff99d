import { expect } from 'chai';
import { VirtsealError } from '../../../../src/core/errors';
import { basicSpec, closeSim, openSim, type SimFixture } from './sim-fixture';

describe('drivers/hyperv/cluster', () => {
  let f: SimFixture;
  before(async () => (f = await openSim()));
  after(() => closeSim(f));

  it('refuses on a standalone host, then adds and removes the VM role on a cluster node', async () => {
    const id = (await f.hv.vms.createVm({ spec: basicSpec('cl-vm') })).id;
    const error = await f.hv.cluster.addRole({ vmId: id }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(VirtsealError);
    expect((error as VirtsealError).reason).to.equal('unsupported');
    f.running.sim.registry.host.cluster = { name: 'HVCLU01', nodes: ['HV-SIM01', 'HV-SIM02'] };
    expect(await f.hv.cluster.hasRole({ vmId: id })).to.equal(false);
    await f.hv.cluster.addRole({ vmId: id });
    expect(await f.hv.cluster.hasRole({ vmId: id })).to.equal(true);
    expect((await f.hv.vms.findVm({ ref: { id } }))!.clusterRole).to.equal(true);
    expect((await f.hv.facts()).cluster).to.deep.equal({ name: 'HVCLU01', nodes: ['HV-SIM01', 'HV-SIM02'] });
    await f.hv.cluster.removeRole({ vmId: id });
    expect(await f.hv.cluster.hasRole({ vmId: id })).to.equal(false);
  });
});
