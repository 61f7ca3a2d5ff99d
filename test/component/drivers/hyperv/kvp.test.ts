import { expect } from 'chai';
import { InvalidArgument } from '../../../../src/core/errors';
import { addressesFromIntrinsic, parseKvpItem, parseKvpItems } from '../../../../src/drivers/hyperv/kvp-xml';
import { kvpItemXml } from '../../../../src/sim/kvp-items';
import { basicSpec, closeSim, openSim, type SimFixture } from './sim-fixture';

describe('drivers/hyperv/kvp-xml', () => {
  it('parses Msvm_KvpExchangeDataItem CIM-XML, entities included, nothing evaluated', () => {
    const xml =
      '<INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem"><PROPERTY NAME="Caption" PROPAGATED="true" TYPE="string"></PROPERTY><PROPERTY NAME="Data" TYPE="string"><VALUE>a &lt;b&gt; &amp; &quot;c&quot; &#x1F680;</VALUE></PROPERTY><PROPERTY NAME="Name" TYPE="string"><VALUE>virtseal.state</VALUE></PROPERTY><PROPERTY NAME="Source" TYPE="uint16"><VALUE>1</VALUE></PROPERTY></INSTANCE>';
    expect(parseKvpItem(xml)).to.deep.equal({ name: 'virtseal.state', data: 'a <b> & "c" 🚀', source: 1 });
    expect(parseKvpItem('<not xml')).to.equal(undefined);
    expect(parseKvpItem('<INSTANCE><PROPERTY NAME="Data"><VALUE>x</VALUE></PROPERTY></INSTANCE>')).to.equal(undefined);
    const ent =
      '<!DOCTYPE x [<!ENTITY e "expanded">]><INSTANCE><PROPERTY NAME="Name"><VALUE>&e;</VALUE></PROPERTY></INSTANCE>';
    expect(parseKvpItem(ent)).to.equal(undefined);
  });

  it("round-trips hostile names and data through the simulator's XML", () => {
    const data = 'O\'Brien <x> & "y" $(Remove-Item C:\\) ` Привет 🚀 ]]>';
    expect(parseKvpItems([kvpItemXml('k<1>', data, 0)]).get('k<1>')).to.equal(data);
  });

  it('reads guest addresses from the intrinsic items', () => {
    const items = new Map([
      ['NetworkAddressIPv4', '192.0.2.10;10.0.0.5'],
      ['NetworkAddressIPv6', 'fe80::1;2001:db8::5'],
    ]);
    expect(addressesFromIntrinsic(items)).to.deep.equal(['192.0.2.10', '10.0.0.5', 'fe80::1', '2001:db8::5']);
    expect(addressesFromIntrinsic(new Map())).to.deep.equal([]);
  });
});

describe('drivers/hyperv/kvp channel', () => {
  let f: SimFixture;
  let id: string;
  before(async () => {
    f = await openSim();
    id = (await f.hv.vms.createVm({ spec: basicSpec('kvp-vm') })).id;
    await f.hv.power.start({ id });
  });
  after(() => closeSim(f));

  it('adds, modifies and removes host items; 300 items take one process and three WMI calls', async () => {
    const channel = f.hv.guestChannel({ vmId: id });
    const items = Array.from({ length: 300 }, (_, i) => [`virtseal.data.${i}`, `value ${i}`] as const);
    const { execs, requests } = f.running.sim.stats;
    const jobs = f.running.sim.jobs.all.length;
    await channel.writeHostItems(items);
    expect(f.running.sim.stats.requests - requests, 'script runs').to.equal(1);
    expect(f.running.sim.stats.execs - execs, 'new PowerShell processes').to.equal(0);
    expect(f.running.sim.jobs.all.length - jobs).to.equal(3);
    await channel.writeHostItems([
      ['virtseal.data.0', 'changed'],
      ['virtseal.new', 'n'],
    ]);
    const vm = f.running.sim.registry.vm(id)!;
    expect(vm.kvpHost.get('virtseal.data.0')).to.equal('changed');
    expect(vm.kvpHost.size).to.equal(301);
    expect((await channel.listHostItems()).length).to.equal(301);
    await channel.removeHostItems([...items.map(([k]) => k as string), 'virtseal.new', 'never-there']);
    expect(await channel.listHostItems()).to.deep.equal([]);
  });

  it('reads guest items and intrinsic addresses while the VM runs', async () => {
    const vm = f.running.sim.registry.vm(id)!;
    vm.kvpGuest.set('virtseal.guest.state', 'applied');
    const channel = f.hv.guestChannel({ vmId: id });
    expect((await channel.readGuestItems()).get('virtseal.guest.state')).to.equal('applied');
    expect(await f.hv.guestAddresses({ vmId: id })).to.deep.equal([vm.intrinsic.get('NetworkAddressIPv4')]);
    expect((await f.hv.vms.findVm({ ref: { id } }))!.ipAddresses).to.deep.equal([
      vm.intrinsic.get('NetworkAddressIPv4'),
    ]);
  });

  it('refuses keys and values beyond the KVP limits before calling the host', async () => {
    const channel = f.hv.guestChannel({ vmId: id });
    expect(await channel.writeHostItems([['k', 'x'.repeat(1024)]]).catch((e: InvalidArgument) => e.option)).to.equal(
      'kvp.value',
    );
    expect(await channel.writeHostItems([['', 'x']]).catch((e: InvalidArgument) => e.option)).to.equal('kvp.key');
    expect(() => f.hv.guestChannel({ vmId: 'x' })).to.throw(InvalidArgument);
  });
});
