import { expect } from 'chai';
import { Conflict, NotFound } from '../../../../src/core/errors';
import { basicSpec, closeSim, openSim, type SimFixture } from './sim-fixture';

describe('drivers/hyperv/nic', () => {
  let f: SimFixture;
  let id: string;
  before(async () => {
    f = await openSim();
    f.running.sim.registry.switches.push({ name: 'Storage Net', type: 'Internal', subnet: '198.51.100' });
    id = (await f.hv.vms.createVm({ spec: basicSpec('nic-vm') })).id;
  });
  after(() => closeSim(f));

  it('adds an adapter on a switch with a VLAN and a static MAC', async () => {
    const nic = await f.hv.nics.addNic({
      vmId: id,
      nic: { name: 'storage', network: 'Storage Net', vlanId: 200, mac: '00-15-5D-10-20-30' },
    });
    expect(nic).to.deep.include({
      name: 'storage',
      network: 'Storage Net',
      vlanId: 200,
      mac: '00:15:5d:10:20:30',
      staticMac: true,
    });
    expect(
      await f.hv.nics.addNic({ vmId: id, nic: { name: 'storage', network: 'LAN' } }).catch((e: unknown) => e),
    ).to.be.instanceOf(Conflict);
    expect(
      await f.hv.nics.addNic({ vmId: id, nic: { name: 'x', network: 'Nope' } }).catch((e: unknown) => e),
    ).to.be.instanceOf(NotFound);
  });

  it('moves an adapter to another switch, clears the VLAN and returns to a dynamic MAC', async () => {
    const nic = await f.hv.nics.setNic({ vmId: id, nic: { name: 'storage', network: 'LAN' } });
    expect(nic).to.deep.include({ network: 'LAN', staticMac: false });
    expect(nic.vlanId).to.equal(undefined);
  });

  it('removes an adapter', async () => {
    await f.hv.nics.removeNic({ vmId: id, name: 'storage' });
    expect((await f.hv.vms.findVm({ ref: { id } }))!.nics.map((n) => n.name)).to.deep.equal(['eth0']);
    expect(await f.hv.nics.removeNic({ vmId: id, name: 'storage' }).catch((e: unknown) => e)).to.be.instanceOf(
      NotFound,
    );
  });
});
