import { expect } from 'chai';
import { ensureCheckpoint } from '../../../src/services/checkpoint';
import { ensureDisk } from '../../../src/services/disk';
import { readHost } from '../../../src/services/host-info';
import { ensureNic } from '../../../src/services/nic';
import { readVms } from '../../../src/services/vm-info';
import { vmDesiredFromOptions } from '../../../src/services/vm-desired';
import { ensureVm } from '../../../src/services/vm-state';
import { inSession, registrySnapshot, startWorld, type SimWorld } from './sim-session';

describe('services: disk, NIC, checkpoint, host and VM info against the simulator', function () {
  this.timeout(120_000);
  let world: SimWorld;
  const warnings: string[] = [];
  before(async () => {
    world = await startWorld();
    await inSession(world, false, (s) =>
      ensureVm(
        s,
        vmDesiredFromOptions({ name: 'app01', image: 'debian-12-golden', nics: [{ network: 'LAN' }], tags: ['app'] }),
        { warn: () => undefined },
      ),
    );
  });
  after(async () => world.stop());

  const disk = (check: boolean, request: Parameters<typeof ensureDisk>[1]) =>
    inSession(world, check, (s) => ensureDisk(s, request, (w) => warnings.push(w)));
  const nic = (check: boolean, request: Parameters<typeof ensureNic>[1]) =>
    inSession(world, check, (s) => ensureNic(s, request));
  const checkpoint = (check: boolean, request: Parameters<typeof ensureCheckpoint>[1]) =>
    inSession(world, check, (s) => ensureCheckpoint(s, request));

  it('adds, grows (never shrinks) and removes a data disk; check mode changes nothing', async () => {
    const before = registrySnapshot(world.registry);
    const dry = await disk(true, { vm: 'app01', name: 'data1', state: 'present', size_gb: 10 });
    expect(dry.changes).to.deep.equal(["add disk data1 = new 10 GiB to VM 'app01'"]);
    expect(registrySnapshot(world.registry)).to.equal(before);

    const added = await disk(false, { vm: 'app01', name: 'data1', state: 'present', size_gb: 10 });
    expect(added.disk).to.include({ name: 'data1', size_gb: 10, owned: true });
    expect((await disk(false, { vm: 'app01', name: 'data1', state: 'present', size_gb: 10 })).changed).to.equal(false);
    expect((await disk(false, { vm: 'app01', name: 'data1', state: 'present', size_gb: 20 })).disk!.size_gb).to.equal(
      20,
    );
    expect((await disk(false, { vm: 'app01', name: 'data1', state: 'present', size_gb: 5 })).changed).to.equal(false);
    expect(warnings.join()).to.include('never shrink');

    const path = world.registry.vmsNamed('app01')[0]!.disks[1]!.path;
    expect(world.sim.files.exists(path)).to.equal(true);
    const removed = await disk(false, { vm: 'app01', name: 'data1', state: 'absent' });
    expect(removed.changes).to.deep.equal(["remove disk 'data1' from VM 'app01' and delete its file"]);
    expect(world.sim.files.exists(path), 'the disk file is deleted').to.equal(false);
    expect((await disk(false, { vm: 'app01', name: 'data1', state: 'absent' })).changed).to.equal(false);
  });

  it('check mode adds a disk from an image not published yet with a warning; a real run refuses naming the option', async () => {
    const before = registrySnapshot(world.registry);
    warnings.length = 0;
    const dry = await disk(true, { vm: 'app01', name: 'data2', state: 'present', image: 'data-template' });
    expect(dry.changes).to.deep.equal(["add disk data2 = differencing disk of image 'data-template' to VM 'app01'"]);
    expect(warnings).to.deep.equal([
      "image 'data-template' (option 'image') is not on the host yet: the real run fails unless an earlier task publishes it",
    ]);
    let failed: { reason?: string; message?: string } = {};
    await disk(false, { vm: 'app01', name: 'data2', state: 'present', image: 'data-template' }).catch(
      (e: { reason?: string; message?: string }) => (failed = e),
    );
    expect(failed.reason).to.equal('not_found');
    expect(failed.message).to.include("(option 'image')");
    expect(registrySnapshot(world.registry)).to.equal(before);
  });

  it('adds a NIC, moves it to a VLAN, removes it', async () => {
    expect((await nic(false, { vm: 'app01', name: 'backup', state: 'present', network: 'LAN' })).changed).to.equal(
      true,
    );
    const vlan = await nic(false, { vm: 'app01', name: 'backup', state: 'present', vlan_id: 300 });
    expect(vlan.nic).to.include({ network: 'LAN', vlan_id: 300 });
    expect(
      (await nic(false, { vm: 'app01', name: 'backup', state: 'present', network: 'LAN', vlan_id: 300 })).changed,
    ).to.equal(false);
    expect((await nic(false, { vm: 'app01', name: 'backup', state: 'absent' })).changes).to.deep.equal([
      "remove NIC 'backup' from VM 'app01'",
    ]);
    expect(world.registry.vmsNamed('app01')[0]!.nics.map((n) => n.name)).to.deep.equal(['nic0']);
  });

  it('refuses a MAC change on a running VM (check mode warns), keeps a static MAC on a VLAN change, changes it off', async () => {
    const ensure = (state: 'started' | 'stopped') =>
      inSession(world, false, (s) =>
        ensureVm(s, vmDesiredFromOptions({ name: 'app01', state }), { warn: () => undefined }),
      );
    const nicWarnings: string[] = [];
    const nicWarned = (check: boolean, request: Parameters<typeof ensureNic>[1]) =>
      inSession(world, check, (s) => ensureNic(s, request, (w) => nicWarnings.push(w)));
    const adapter = () => world.registry.vmsNamed('app01')[0]!.nics.find((n) => n.name === 'mgmt')!;
    await nic(false, { vm: 'app01', name: 'mgmt', state: 'present', network: 'LAN', mac: '00:15:5d:0a:0b:01' });
    await ensure('started');
    try {
      const ask = { vm: 'app01', name: 'mgmt', state: 'present' as const, mac: '00:15:5d:0a:0b:02' };
      const before = registrySnapshot(world.registry);
      const dry = await nicWarned(true, ask);
      expect(dry.changes).to.deep.equal(["set NIC mgmt on 'LAN' MAC 00:15:5d:0a:0b:02 of VM 'app01'"]);
      expect(nicWarnings).to.deep.equal([
        "VM 'app01' is running: the MAC address of NIC 'mgmt' (option 'mac') changes only with the VM off: the real run fails unless an earlier task stops it",
      ]);
      expect(registrySnapshot(world.registry)).to.equal(before);
      let refused: { reason?: string; message?: string } = {};
      await nicWarned(false, ask).catch((e: typeof refused) => (refused = e));
      expect(refused.reason).to.equal('conflict');
      expect(refused.message).to.equal(
        "VM 'app01' is running: the MAC address of NIC 'mgmt' (option 'mac') changes only with the VM off; stop it first",
      );
      expect(registrySnapshot(world.registry)).to.equal(before);

      const vlan = await nic(false, { vm: 'app01', name: 'mgmt', state: 'present', vlan_id: 40 });
      expect(vlan.nic).to.include({ vlan_id: 40, mac: '00:15:5d:0a:0b:01', static_mac: true });
      expect(adapter()).to.include({ vlanId: 40, mac: '00155D0A0B01', staticMac: true });
    } finally {
      await ensure('stopped');
    }
    const changed = await nic(false, { vm: 'app01', name: 'mgmt', state: 'present', mac: '00:15:5d:0a:0b:02' });
    expect(changed.nic).to.include({ vlan_id: 40, mac: '00:15:5d:0a:0b:02', static_mac: true });
    await nic(false, { vm: 'app01', name: 'mgmt', state: 'absent' });
  });

  it('creates, applies and removes a checkpoint', async () => {
    const before = registrySnapshot(world.registry);
    expect((await checkpoint(true, { vm: 'app01', name: 'cp1', state: 'present' })).changes).to.deep.equal([
      "create checkpoint 'cp1' of VM 'app01'",
    ]);
    expect(registrySnapshot(world.registry)).to.equal(before);
    const made = await checkpoint(false, { vm: 'app01', name: 'cp1', state: 'present' });
    expect(made.checkpoints.map((c) => c.name)).to.deep.equal(['cp1']);
    expect((await checkpoint(false, { vm: 'app01', name: 'cp1', state: 'present' })).changed).to.equal(false);
    expect((await checkpoint(false, { vm: 'app01', name: 'cp1', state: 'applied' })).changed).to.equal(true);
    expect((await checkpoint(false, { vm: 'app01', name: 'cp1', state: 'absent' })).checkpoints).to.deep.equal([]);
    try {
      await checkpoint(false, { vm: 'app01', name: 'cp1', state: 'applied' });
      expect.fail('applied a missing checkpoint');
    } catch (error) {
      expect((error as { reason: string }).reason).to.equal('not_found');
    }
  });

  it('reads the host and the VMs by name and tag', async () => {
    const host = await inSession(world, false, (s) => readHost(s.hv));
    expect(host.host.switches.map((s) => s.name)).to.include('LAN');
    expect(host.images.map((i) => i.name)).to.deep.equal(['debian-12-golden']);
    const byTag = await inSession(world, false, (s) => readVms(s.hv, { tags: ['app'] }));
    expect(byTag.vms.map((v) => v.name)).to.deep.equal(['app01']);
    expect((await inSession(world, false, (s) => readVms(s.hv, { name: 'nope' }))).vms).to.deep.equal([]);
    expect((await inSession(world, false, (s) => readVms(s.hv, { tags: ['other'] }))).vms).to.deep.equal([]);
  });

  it('says which VM is missing', async () => {
    try {
      await disk(false, { vm: 'ghost', name: 'd', state: 'present', size_gb: 1 });
      expect.fail('no error');
    } catch (error) {
      expect((error as Error).message).to.equal("VM 'ghost' does not exist on the host");
    }
  });
});
