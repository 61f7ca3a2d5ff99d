import { expect } from 'chai';
import { InvalidArgument, type VirtsealError } from '../../../src/core/errors';
import type { VmOptions as VmModuleOptions } from '../../../src/generated/vm';
import { vmDesiredFromOptions } from '../../../src/services/vm-desired';
import { ensureVm } from '../../../src/services/vm-state';
import { inSession, registrySnapshot, startWorld, type SimWorld } from './sim-session';

const base: VmModuleOptions = {
  name: 'web01',
  image: 'debian-12-golden',
  os_disk_size_gb: 20,
  cpu_count: 2,
  memory_mb: 2048,
  nics: [{ network: 'LAN', vlan_id: 12 }],
  tags: ['web', 'prod'],
};

async function ensure(world: SimWorld, options: VmModuleOptions, check = false, warnings: string[] = []) {
  const session = await world.open(check);
  try {
    return await ensureVm(session, vmDesiredFromOptions(options), { warn: (m) => warnings.push(m) });
  } finally {
    await session.close();
  }
}

async function failure(promise: Promise<unknown>): Promise<VirtsealError> {
  try {
    await promise;
  } catch (error) {
    expect((error as VirtsealError).reason, String(error)).to.be.a('string');
    return error as VirtsealError;
  }
  throw new Error('expected a failure');
}

describe('services/vm-state against the simulator', function () {
  this.timeout(60_000);
  let world: SimWorld;
  beforeEach(async () => {
    world = await startWorld();
  });
  afterEach(async () => world.stop());

  it('check mode lists the creation and leaves the host untouched', async () => {
    const before = registrySnapshot(world.registry);
    const result = await ensure(world, { ...base, state: 'started' }, true);
    expect(result.changed).to.equal(true);
    expect(result.changes).to.have.length(2);
    expect(result.changes[0]).to.match(
      /^create VM 'web01' \(2 CPU, 2048 MiB; disks: os = differencing disk of image 'debian-12-golden' grown to 20 GiB; NICs: nic0 on 'LAN' VLAN 12\)$/,
    );
    expect(result.changes[1]).to.equal("start VM 'web01'");
    expect(registrySnapshot(world.registry)).to.equal(before);
  });

  it('check mode of a creation from an image not published yet reports the would-be VM and warns, a real run refuses', async () => {
    const before = registrySnapshot(world.registry);
    const warnings: string[] = [];
    const options: VmModuleOptions = {
      ...base,
      image: 'debian-13-next',
      disks: [{ name: 'data', image: 'data-template', size_gb: 5 }],
      state: 'started',
      wait_for_ip: true,
      wait_timeout: 5,
    };
    const dry = await ensure(world, options, true, warnings);
    expect(dry).to.include({ changed: true, created: true });
    expect(dry.changes).to.deep.equal([
      "create VM 'web01' (2 CPU, 2048 MiB; disks: os = differencing disk of image 'debian-13-next' grown to 20 GiB, " +
        "data = differencing disk of image 'data-template' grown to 5 GiB; NICs: nic0 on 'LAN' VLAN 12)",
      "start VM 'web01'",
    ]);
    expect(warnings).to.deep.equal([
      "image 'debian-13-next' (option 'image') is not on the host yet: the real run fails unless an earlier task publishes it",
      "image 'data-template' (option 'disks[0].image') is not on the host yet: the real run fails unless an earlier task publishes it",
    ]);
    expect(dry.vm!.disks.map((d) => d.name)).to.deep.equal(['os', 'data']);
    expect(dry.diff.before).to.deep.equal({});
    expect(registrySnapshot(world.registry)).to.equal(before);

    const real = await failure(ensure(world, options));
    expect(real.reason).to.equal('not_found');
    expect(real.message).to.equal(
      "image 'debian-13-next' (option 'image') is not in the host's image library; publish it first with virtseal.core.image",
    );
    expect(real.details).to.include({ option: 'image' });
    expect(registrySnapshot(world.registry)).to.equal(before);
  });

  it('check mode of adding a disk from an image not published yet to an existing VM warns; a real run names the option', async () => {
    await ensure(world, base);
    const before = registrySnapshot(world.registry);
    const warnings: string[] = [];
    const options: VmModuleOptions = { ...base, disks: [{ name: 'data', image: 'data-template' }] };
    const dry = await ensure(world, options, true, warnings);
    expect(dry.changes).to.deep.equal(["add disk data = differencing disk of image 'data-template' to VM 'web01'"]);
    expect(warnings).to.deep.equal([
      "image 'data-template' (option 'disks[0].image') is not on the host yet: the real run fails unless an earlier task publishes it",
    ]);
    expect(registrySnapshot(world.registry)).to.equal(before);
    const real = await failure(ensure(world, options));
    expect(real.reason).to.equal('not_found');
    expect(real.message).to.include("(option 'disks[0].image')");
    expect(registrySnapshot(world.registry)).to.equal(before);
  });

  it('creates from the image with hardware and NIC, then reports no change on an identical run', async () => {
    const created = await ensure(world, { ...base, state: 'started', wait_for_ip: true, wait_timeout: 30 });
    expect(created).to.include({ changed: true, created: true });
    const vm = world.registry.vmsNamed('web01')[0]!;
    expect(vm.state).to.equal('Running');
    expect(vm.cpuCount).to.equal(2);
    expect(vm.nics.map((n) => [n.switchName, n.vlanId])).to.deep.equal([['LAN', 12]]);
    const os = world.registry.vhds.get(vm.disks[0]!.path.toLowerCase())!;
    expect(os.parentPath.toLowerCase()).to.equal(world.preset.imagePath.toLowerCase());
    expect(created.vm!.ip_addresses.length).to.be.greaterThan(0);

    const again = await ensure(world, { ...base, state: 'started' });
    expect(again).to.include({ changed: false, created: false });
    expect(again.changes).to.deep.equal([]);
  });

  it('stops, starts, restarts and deletes with the owned disks', async () => {
    await ensure(world, { ...base, state: 'started' });
    const vm = world.registry.vmsNamed('web01')[0]!;
    const osPath = vm.disks[0]!.path;
    expect(world.sim.files.exists(osPath)).to.equal(true);

    const stopped = await ensure(world, { name: 'web01', state: 'stopped' });
    expect(stopped.changes).to.deep.equal(["shut down VM 'web01'"]);
    expect(vm.state).to.equal('Off');
    expect((await ensure(world, { name: 'web01', state: 'stopped' })).changed).to.equal(false);

    expect((await ensure(world, { name: 'web01', state: 'started' })).changes).to.deep.equal(["start VM 'web01'"]);
    expect((await ensure(world, { name: 'web01', state: 'restarted' })).changes).to.deep.equal(["restart VM 'web01'"]);

    const deletedCheck = await ensure(world, { name: 'web01', state: 'absent', force: true }, true);
    expect(deletedCheck.changes).to.deep.equal([
      "shut down VM 'web01', turning it off if the guest does not respond",
      "delete VM 'web01' and its 1 owned disk(s)",
    ]);
    expect(world.registry.vmsNamed('web01')).to.have.length(1);

    const deleted = await ensure(world, { name: 'web01', state: 'absent', force: true });
    expect(deleted.changed).to.equal(true);
    expect(world.registry.vmsNamed('web01')).to.have.length(0);
    expect(world.sim.files.exists(osPath), 'the owned disk file is deleted').to.equal(false);
    expect(world.registry.vhds.has(world.preset.imagePath.toLowerCase()), 'the image stays').to.equal(true);
    expect((await ensure(world, { name: 'web01', state: 'absent' })).changed).to.equal(false);
  });

  it('applies hot changes at once and reports what needs a power cycle on a running VM', async () => {
    await ensure(world, { ...base, state: 'started' });
    const warnings: string[] = [];
    const result = await ensure(world, { ...base, cpu_count: 4, notes: 'patched', tags: ['web'] }, false, warnings);
    expect(result.power_cycle_required).to.deep.equal(['cpu_count']);
    expect(result.changes).to.have.length(1);
    expect(result.changes[0]).to.include('notes=patched');
    expect(warnings.join()).to.include('cpu_count');
    const vm = world.registry.vmsNamed('web01')[0]!;
    expect(vm.cpuCount).to.equal(2);

    const cycled = await ensure(world, {
      ...base,
      cpu_count: 4,
      notes: 'patched',
      tags: ['web'],
      allow_power_cycle: true,
    });
    expect(cycled.power_cycle_required).to.deep.equal([]);
    expect(cycled.changes.map((c) => c.split(' ')[0])).to.deep.equal(['shut', 'reconfigure', 'start']);
    expect(vm.cpuCount).to.equal(4);
    expect(vm.state).to.equal('Running');

    const stopping = await ensure(world, { name: 'web01', cpu_count: 6, state: 'stopped' });
    expect(stopping.power_cycle_required).to.deep.equal([]);
    expect(stopping.changes.map((c) => c.split(' ')[0])).to.deep.equal(['shut', 'reconfigure']);
    expect([vm.cpuCount, vm.state]).to.deep.equal([6, 'Off']);
  });

  it('treats a saved VM as not off: off-only changes wait, resume and cycle it, or discard the saved state when stopping', async () => {
    await ensure(world, { ...base, state: 'started' });
    const vm = world.registry.vmsNamed('web01')[0]!;
    const save = () => inSession(world, false, (s) => s.hv.power.save({ id: vm.id }));
    await save();
    expect(vm.state).to.equal('Saved');
    const cpu = vm.cpuCount + 1;

    const warnings: string[] = [];
    const waiting = await ensure(world, { ...base, cpu_count: cpu }, false, warnings);
    expect(waiting.power_cycle_required).to.deep.equal(['cpu_count']);
    expect(warnings.join()).to.include("VM 'web01' is saved: cpu_count change only with the VM off");
    expect([vm.cpuCount, vm.state]).to.deep.equal([cpu - 1, 'Saved']);

    const cycled = await ensure(world, { ...base, cpu_count: cpu, allow_power_cycle: true });
    expect(cycled.changes.map((c) => c.split(' ')[0])).to.deep.equal(['start', 'shut', 'reconfigure', 'start']);
    expect([vm.cpuCount, vm.state]).to.deep.equal([cpu, 'Running']);

    await save();
    const stopped = await ensure(world, { ...base, cpu_count: cpu + 1, state: 'stopped' });
    expect(stopped.power_cycle_required).to.deep.equal([]);
    expect(stopped.changes.map((c) => c.split(' ')[0])).to.deep.equal(['turn', 'reconfigure']);
    expect([vm.cpuCount, vm.state]).to.deep.equal([cpu + 1, 'Off']);
  });

  it('adds a second NIC and changes the VLAN of the first on an existing VM', async () => {
    await ensure(world, base);
    const result = await ensure(world, {
      ...base,
      nics: [
        { network: 'LAN', vlan_id: 13 },
        { name: 'backup', network: 'LAN' },
      ],
    });
    expect(result.changes).to.have.length(2);
    const vm = world.registry.vmsNamed('web01')[0]!;
    expect(vm.nics.map((n) => [n.name, n.vlanId])).to.deep.equal([
      ['nic0', 13],
      ['backup', 0],
    ]);
    expect(
      (
        await ensure(world, {
          ...base,
          nics: [
            { network: 'LAN', vlan_id: 13 },
            { name: 'backup', network: 'LAN' },
          ],
        })
      ).changed,
    ).to.equal(false);
  });

  it('classes a MAC change of a running VM as needing a power cycle, like a CPU count change', async () => {
    await ensure(world, { ...base, state: 'started' });
    const vm = world.registry.vmsNamed('web01')[0]!;
    const dynamicMac = vm.nics[0]!.mac;
    const nics = [{ network: 'LAN', vlan_id: 13, mac: '00:15:5d:aa:bb:cc' }];

    // Running, no power cycle allowed: the VLAN applies at once, the MAC waits (the simulator refuses it running).
    const warnings: string[] = [];
    const pending = await ensure(world, { ...base, nics }, false, warnings);
    expect(pending.power_cycle_required).to.deep.equal(['nics.nic0.mac']);
    expect(pending.changes).to.deep.equal(["set NIC nic0 on 'LAN' VLAN 13 of VM 'web01'"]);
    expect(pending.msg).to.include('needs a power cycle for nics.nic0.mac');
    expect(warnings.join()).to.include("VM 'web01' is running: nics.nic0.mac change only with the VM off");
    expect(vm.nics[0]).to.include({ vlanId: 13, mac: dynamicMac, staticMac: false });
    expect(vm.state).to.equal('Running');

    // Check mode says the same and changes nothing.
    const before = registrySnapshot(world.registry);
    const dry = await ensure(world, { ...base, nics, allow_power_cycle: true }, true);
    expect(dry.changes).to.deep.equal([
      "shut down VM 'web01'",
      "set NIC nic0 on 'LAN' VLAN 13 MAC 00:15:5d:aa:bb:cc of VM 'web01'",
      "start VM 'web01'",
    ]);
    expect(registrySnapshot(world.registry)).to.equal(before);

    // Power cycle allowed: shut down, set, start again.
    const cycled = await ensure(world, { ...base, nics, allow_power_cycle: true });
    expect(cycled.power_cycle_required).to.deep.equal([]);
    expect(cycled.changes).to.deep.equal(dry.changes);
    expect(vm.nics[0]).to.include({ vlanId: 13, mac: '00155DAABBCC', staticMac: true });
    expect(vm.state).to.equal('Running');
    expect(cycled.vm!.nics[0]).to.include({ mac: '00:15:5d:aa:bb:cc', static_mac: true });
    expect((await ensure(world, { ...base, nics })).changed).to.equal(false);

    // A VLAN change alone on the running VM keeps its static MAC (the driver would otherwise ask for a dynamic one).
    const vlanOnly = await ensure(world, { ...base, nics: [{ network: 'LAN', vlan_id: 14 }] });
    expect(vlanOnly.changes).to.deep.equal(["set NIC nic0 on 'LAN' VLAN 14 MAC 00:15:5d:aa:bb:cc of VM 'web01'"]);
    expect(vm.nics[0]).to.include({ vlanId: 14, mac: '00155DAABBCC', staticMac: true });

    // Being stopped anyway: stop first, then one change with switch, VLAN and MAC together.
    const stopping = await ensure(world, {
      ...base,
      nics: [{ network: 'LAN', vlan_id: 15, mac: '00-15-5D-AA-BB-DD' }],
      state: 'stopped',
    });
    expect(stopping.power_cycle_required).to.deep.equal([]);
    expect(stopping.changes).to.deep.equal([
      "shut down VM 'web01'",
      "set NIC nic0 on 'LAN' VLAN 15 MAC 00:15:5d:aa:bb:dd of VM 'web01'",
    ]);
    expect(vm.nics[0]).to.include({ vlanId: 15, mac: '00155DAABBDD', staticMac: true });
    expect(vm.state).to.equal('Off');
  });

  it('the simulator refuses a MAC change of a running VM as Hyper-V does', async () => {
    await ensure(world, { ...base, nics: [{ network: 'LAN', mac: '00:15:5d:aa:bb:cc' }], state: 'started' });
    const vm = world.registry.vmsNamed('web01')[0]!;
    const session = await world.open();
    try {
      for (const mac of ['00:15:5d:aa:bb:dd', undefined]) {
        const refused = await failure(
          session.hv.nics.setNic({ vmId: vm.id, nic: { name: 'nic0', network: 'LAN', ...(mac && { mac }) } }),
        );
        expect(refused.message).to.include(
          'The operation cannot be performed while the virtual machine is in its current state.',
        );
      }
      expect(vm.nics[0]).to.include({ mac: '00155DAABBCC', staticMac: true });
      // The same MAC again is no change, and a VLAN change goes through.
      await session.hv.nics.setNic({
        vmId: vm.id,
        nic: { name: 'nic0', network: 'LAN', vlanId: 7, mac: '00:15:5d:aa:bb:cc' },
      });
      expect(vm.nics[0]).to.include({ vlanId: 7, mac: '00155DAABBCC', staticMac: true });
    } finally {
      await session.close();
    }
  });

  it('a dynamic MAC reads unset until the first start, then keeps the one assigned; idempotent either side', async () => {
    const created = await ensure(world, base);
    const vm = world.registry.vmsNamed('web01')[0]!;
    expect(vm.nics[0]).to.include({ mac: '000000000000', staticMac: false });
    expect(created.vm!.nics[0]).to.include({ mac: '', static_mac: false });
    expect((await ensure(world, base)).changed).to.equal(false);

    const started = await ensure(world, { ...base, state: 'started' });
    const assigned = vm.nics[0]!.mac;
    expect(assigned).to.match(/^00155D[0-9A-F]{6}$/);
    expect(started.vm!.nics[0]!.mac).to.equal(assigned.toLowerCase().match(/../g)!.join(':'));
    expect(started.diff.before).to.have.nested.property('nics[0].mac', '');

    await ensure(world, { ...base, state: 'stopped' });
    await ensure(world, { ...base, state: 'started' });
    expect(vm.nics[0]!.mac, 'kept across restarts').to.equal(assigned);
    expect((await ensure(world, { ...base, state: 'started' })).changed).to.equal(false);
  });

  it('makes a new VM a cluster role, and removes the role before deleting it', async () => {
    world.registry.host.cluster = { name: 'HVCLU01', nodes: ['HV-SIM01', 'HV-SIM02'] };
    const created = await ensure(world, { ...base, cluster_role: true });
    expect(created.changes[1]).to.equal("make VM 'web01' a failover cluster role");
    expect(world.registry.vmsNamed('web01')[0]!.clustered).to.equal(true);
    expect((await ensure(world, { ...base, cluster_role: true })).changed).to.equal(false);
    const deleted = await ensure(world, { name: 'web01', state: 'absent' });
    expect(deleted.changes).to.deep.equal([
      "remove the failover cluster role of VM 'web01'",
      "delete VM 'web01' and its 1 owned disk(s)",
    ]);
  });

  it('refuses a cluster role on a host that is not clustered, and undoes the VM it made', async () => {
    const error = await failure(ensure(world, { ...base, cluster_role: true }));
    expect(error.reason).to.equal('unsupported');
    expect(error.message).to.include('undone: create VM');
    expect(world.registry.vmsNamed('web01')).to.have.length(0);
  });

  it('takes every disk name the schema takes (data.1), and names module options for what the host refuses', async () => {
    const created = await ensure(world, { ...base, disks: [{ name: 'data.1', size_gb: 1 }] });
    expect(created.vm?.disks.map((d) => d.name)).to.deep.equal(['os', 'data.1']);
    const before = registrySnapshot(world.registry);
    const osImage = await failure(ensure(world, { ...base, name: 'web02', image: '..\\evil' }));
    expect(osImage).to.be.instanceOf(InvalidArgument).with.property('option', 'image');
    const dataImage = await failure(ensure(world, { ...base, disks: [{ name: 'data.2', image: 'x\\..\\..\\y' }] }));
    expect(dataImage).to.be.instanceOf(InvalidArgument).with.property('option', 'disks[0].image');
    const mac = await failure(
      ensure(world, { ...base, name: 'web03', nics: [{ network: 'LAN' }, { network: 'LAN', mac: 'not-a-mac' }] }),
    );
    expect(mac).to.be.instanceOf(InvalidArgument).with.property('option', 'nics[1].mac');
    expect(registrySnapshot(world.registry)).to.equal(before);
  });

  it('fails with one clear line: unknown image, name taken', async () => {
    const unknown = await failure(ensure(world, { ...base, image: 'no-such-image' }));
    expect(unknown.reason).to.equal('not_found');
    expect(unknown.message).to.equal(
      "image 'no-such-image' (option 'image') is not in the host's image library; publish it first with virtseal.core.image",
    );

    world.registry.newVm({ name: 'web01', generation: 2, path: 'D:\\other' });
    const before = registrySnapshot(world.registry);
    const taken = await failure(ensure(world, base));
    expect(taken.reason).to.equal('conflict');
    expect(taken.message).to.equal(
      "name taken: a VM named 'web01' already exists on the host and has no OS disk made from image 'debian-12-golden'",
    );
    expect(registrySnapshot(world.registry)).to.equal(before);
  });
});
