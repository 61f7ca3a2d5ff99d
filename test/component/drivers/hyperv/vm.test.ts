import { expect } from 'chai';
import { Conflict, InvalidArgument, NotFound } from '../../../../src/core/errors';
import { gibibytes } from '../../../../src/core/units';
import { basicSpec, closeSim, openSim, type SimFixture } from './sim-fixture';

describe('drivers/hyperv/vm', () => {
  let f: SimFixture;
  before(async () => (f = await openSim()));
  after(() => closeSim(f));

  it('creates a VM with a differencing OS disk grown on request, a NIC and its settings', async () => {
    const vm = await f.hv.vms.createVm({
      spec: basicSpec('web-01', {
        generation: 2,
        memory: { startupMb: 2048, dynamic: true, minimumMb: 1024, maximumMb: 4096, bufferPercent: 25 },
        secureBoot: 'MicrosoftUEFICertificateAuthority',
        tpm: true,
        bootOrder: ['network', 'disk'],
        automaticStartAction: 'start',
        automaticStopAction: 'shutdown',
        notes: 'owner: ops',
        tags: ['prod', 'web'],
        nics: [{ name: 'eth0', network: 'LAN', vlanId: 42, mac: '00:15:5d:aa:bb:cc' }],
      }),
    });
    expect(vm).to.deep.include({
      name: 'web-01',
      state: 'off',
      generation: 2,
      cpuCount: 2,
      tpm: true,
      notes: 'owner: ops',
    });
    expect(vm.memory).to.deep.equal({
      startupMb: 2048,
      dynamic: true,
      minimumMb: 1024,
      maximumMb: 4096,
      bufferPercent: 25,
    });
    expect(vm.secureBoot).to.equal('MicrosoftUEFICertificateAuthority');
    expect(vm.bootOrder).to.deep.equal(['network', 'disk']);
    expect(vm.automaticStartAction).to.equal('start');
    expect(vm.automaticStopAction).to.equal('shutdown');
    expect(vm.tags).to.deep.equal(['prod', 'web']);
    expect(vm.disks).to.have.length(1);
    expect(vm.disks[0]).to.deep.include({ name: 'os', owned: true, sizeBytes: gibibytes(20) });
    expect(vm.disks[0]!.parentPath).to.match(/debian-12-golden\.vhdx$/);
    expect(vm.nics[0]).to.deep.include({
      name: 'eth0',
      network: 'LAN',
      vlanId: 42,
      mac: '00:15:5d:aa:bb:cc',
      staticMac: true,
    });
    expect(f.running.sim.registry.vm(vm.id)!.kvpIntegration).to.equal(true);
  });

  it('makes full copies when asked and keeps the VM name out of disk paths', async () => {
    const vm = await f.hv.vms.createVm({
      spec: basicSpec('copy "; rm -rf /', { disks: [{ name: 'os', image: 'debian-12-golden', clone: 'copy' }] }),
    });
    expect(vm.disks[0]!.parentPath).to.equal(undefined);
    expect(vm.disks[0]!.path).to.not.include('rm -rf');
    expect(vm.disks[0]!.path).to.match(/\\[0-9a-f]{32}\\Virtual Hard Disks\\os\.vhdx$/);
  });

  it('finds by id and by name, and refuses a name that is taken', async () => {
    const [vm] = (await f.hv.vms.listVms()).filter((v) => v.name === 'web-01');
    expect((await f.hv.vms.findVm({ ref: { id: vm!.id } }))!.name).to.equal('web-01');
    expect((await f.hv.vms.findVm({ ref: { name: 'web-01' } }))!.id).to.equal(vm!.id);
    expect(await f.hv.vms.findVm({ ref: { name: 'nope' } })).to.equal(undefined);
    expect(await f.hv.vms.findVm({ ref: { id: '00000000-0000-0000-0000-000000000000' } })).to.equal(undefined);
    const error = await f.hv.vms.createVm({ spec: basicSpec('web-01') }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Conflict);
    expect((error as Error).message).to.include('web-01');
  });

  it('detects name collisions among VMs created outside virtseal', async () => {
    const reg = f.running.sim.registry;
    reg.newVm({ name: 'twin', generation: 2, path: 'D:\\Hyper-V\\t1' });
    reg.newVm({ name: 'twin', generation: 2, path: 'D:\\Hyper-V\\t2' });
    const error = await f.hv.vms.findVm({ ref: { name: 'twin' } }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Conflict);
    expect((error as Error).message).to.match(/2 VMs are named "twin".*refer to the VM by id/);
  });

  it('reconfigures only what changed, keeping notes and tags apart', async () => {
    const vm = (await f.hv.vms.findVm({ ref: { name: 'web-01' } }))!;
    const after = await f.hv.vms.reconfigureVm({
      id: vm.id,
      changes: { cpuCount: 4, tags: ['prod'], memory: { startupMb: 4096 } },
    });
    expect(after).to.deep.include({ cpuCount: 4, notes: 'owner: ops' });
    expect(after.tags).to.deep.equal(['prod']);
    expect(after.memory).to.deep.equal({ startupMb: 4096, dynamic: false });
    const again = await f.hv.vms.reconfigureVm({
      id: vm.id,
      changes: { notes: 'new notes', secureBoot: 'off', tpm: false },
    });
    expect(again).to.deep.include({ notes: 'new notes', secureBoot: 'off', tpm: false });
    expect(again.tags).to.deep.equal(['prod']);
  });

  it('rewrites tags of a VM it has just read in one PowerShell process, keeping the disk metadata', async () => {
    const vm = (await f.hv.vms.findVm({ ref: { name: 'web-01' } }))!;
    const { execs, requests } = f.running.sim.stats;
    const after = await f.hv.vms.reconfigureVm({ id: vm.id, changes: { tags: ['prod', 'db'] } });
    expect(f.running.sim.stats.requests - requests, 'script runs').to.equal(1);
    expect(f.running.sim.stats.execs - execs, 'new PowerShell processes').to.equal(0);
    expect(after.tags).to.deep.equal(['prod', 'db']);
    expect(after.disks.map((d) => [d.name, d.owned])).to.deep.equal(vm.disks.map((d) => [d.name, d.owned]));
    // Notes changed on the host behind this session's back are not overwritten by a stale copy once re-read.
    const simVm = f.running.sim.registry.vms.get(vm.id)!;
    const original = simVm.notes;
    simVm.notes = `owner: dba${original.slice(original.lastIndexOf('\n'))}`;
    await f.hv.vms.findVm({ ref: { id: vm.id } });
    expect((await f.hv.vms.reconfigureVm({ id: vm.id, changes: { tags: ['prod'] } })).notes).to.equal('owner: dba');
    simVm.notes = original;
  });

  it('checks what Hyper-V limits before anything reaches the host, naming the spec field', async () => {
    const bad = [
      [basicSpec(''), 'name'],
      [basicSpec('x'.repeat(101)), 'name'],
      [basicSpec('x', { memory: { startupMb: 1025 } }), 'memory.startupMb'],
      [
        basicSpec('x', {
          disks: [
            { name: 'os', image: 'debian-12-golden' },
            { name: '../evil', sizeBytes: gibibytes(1) },
          ],
        }),
        'disks[1].name',
      ],
      [basicSpec('x', { disks: [{ name: 'os', image: '..\\..\\Windows\\x' }] }), 'disks[0].image'],
      [basicSpec('x', { nics: [{ name: 'eth0', network: 'LAN', mac: 'zz' }] }), 'nics[0].mac'],
      // Hyper-V refuses memory that is not a multiple of 2 MB ("not properly aligned").
      [basicSpec('x', { memory: { startupMb: 4019 } }), 'memory.startupMb'],
    ] as const;
    const before = f.running.sim.stats.requests;
    for (const [spec, field] of bad) {
      const error = await f.hv.vms.createVm({ spec }).catch((e: unknown) => e);
      expect(error, JSON.stringify(spec)).to.be.instanceOf(InvalidArgument).with.property('option', field);
    }
    expect(f.running.sim.stats.requests).to.equal(before);
    expect(await f.hv.vms.findVm({ ref: { id: 'not-a-guid' } }).catch((e: InvalidArgument) => e.option)).to.equal('id');
  });

  it('rolls back a half-made VM when a step fails on the host', async () => {
    const before = f.running.sim.registry.vms.size;
    const error = await f.hv.vms
      .createVm({ spec: basicSpec('half', { nics: [{ name: 'eth0', network: 'NoSuchSwitch' }] }) })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(NotFound);
    expect(f.running.sim.registry.vms.size).to.equal(before);
    expect([...f.running.sim.registry.vhds.keys()].some((k) => k.includes('half'))).to.equal(false);
  });

  it('deletes a VM with the disks it owns, and refuses disks another VM uses', async () => {
    const base = await f.hv.vms.createVm({
      spec: basicSpec('base', { disks: [{ name: 'os', image: 'debian-12-golden', clone: 'copy' }] }),
    });
    const child = await f.hv.vms.createVm({
      spec: basicSpec('child', { disks: [{ name: 'data', path: base.disks[0]!.path }] }),
    });
    expect(child.disks[0]).to.deep.include({ owned: false });
    const error = await f.hv.vms.deleteVm({ id: base.id, removeOwnedDisks: true }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Conflict);
    expect((error as Error).message).to.match(/used by VM child/);
    expect(f.running.sim.registry.vm(base.id)).to.not.equal(undefined);
    await f.hv.vms.deleteVm({ id: child.id, removeOwnedDisks: true });
    expect(f.running.sim.files.exists(base.disks[0]!.path)).to.equal(true);
    await f.hv.vms.deleteVm({ id: base.id, removeOwnedDisks: true });
    expect(f.running.sim.files.exists(base.disks[0]!.path)).to.equal(false);
    expect(await f.hv.vms.findVm({ ref: { id: base.id } })).to.equal(undefined);
    const missing = await f.hv.vms.deleteVm({ id: base.id, removeOwnedDisks: true }).catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(NotFound);
  });
});

describe('drivers/hyperv/vm on a running VM', () => {
  let f: SimFixture;
  before(async () => (f = await openSim()));
  after(() => closeSim(f));

  it("reports Hyper-V's refusal to change CPU count while running as one line, and allows notes", async () => {
    const vm = await f.hv.vms.createVm({ spec: basicSpec('running-vm') });
    await f.hv.power.start({ id: vm.id });
    const error = await f.hv.vms.reconfigureVm({ id: vm.id, changes: { cpuCount: 8 } }).catch((e: unknown) => e);
    expect((error as Error).message, (error as Error).message).to.match(
      /^vm-set\.ps1: .*cannot be performed while the virtual machine is in its current state\. \((?:[\w.-]+\.ps1 )?line \d+\)$/,
    );
    expect((await f.hv.vms.reconfigureVm({ id: vm.id, changes: { notes: 'ok while running' } })).notes).to.equal(
      'ok while running',
    );
  });
});
