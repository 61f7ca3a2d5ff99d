/**
 * What only the Xen driver promises, beyond the shared driver contract (driver-contract.ts, run by
 * xen-fake.driver.contract.test.ts): against the fake XAPI on every run and against a real pool when
 * VIRTSEAL_XAPI_URL is set. When the two disagree, the fake is fixed from what the real pool answered.
 */
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuestTimeout } from '../../src/core/errors';
import { gibibytes } from '../../src/core/units';
import type { VmSpec } from '../../src/drivers/types';
import { fakeOnly, openXenTarget, type XenTarget } from './xen-target';

describe('Xen driver contract', function () {
  this.timeout(120_000);
  let t: XenTarget;
  let dir: string;
  let image: string;
  let imagePath: string;
  const created: string[] = [];

  const spec = (label: string, extra: Partial<VmSpec> = {}): VmSpec => ({
    name: t.name(label),
    generation: 2,
    cpuCount: 2,
    memory: { startupMb: 1024 },
    disks: [{ name: 'os', image, sizeBytes: gibibytes(16) }],
    nics: [{ name: 'eth0', network: t.network }],
    ...extra,
  });
  const create = async (label: string, extra: Partial<VmSpec> = {}) => {
    const vm = await t.hv.vms.createVm({ spec: spec(label, extra) });
    created.push(vm.id);
    return vm;
  };

  before(async () => {
    t = await openXenTarget();
    dir = mkdtempSync(join(tmpdir(), 'virtseal-xen-contract-'));
    imagePath = join(dir, 'golden.raw');
    writeFileSync(imagePath, randomBytes(3 * 1024 * 1024 + 17));
    image = t.name('golden');
    console.log(`      target: ${t.kind}`);
  });
  after(async () => {
    for (const id of created) await t.hv.vms.deleteVm({ id, removeOwnedDisks: true }).catch(() => undefined);
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => t.fake?.state.faults.clear());

  it("publishes an image into a golden template whose VDI holds exactly the file's bytes", async () => {
    const sha = createHash('sha256').update(readFileSync(imagePath)).digest('hex');
    const first = await t.hv.images.publishImage({ localPath: imagePath, name: image });
    expect(first.skipped).to.equal(false);
    expect(first.image.sha256).to.equal(sha);
    expect(first.sentBytes).to.equal(3 * 1024 * 1024 + 17);
    if (t.fake) {
      const [vdi] = t.fake.state.db.find('VDI', (r) => r.name_label === image);
      expect(t.fake.state.imported.get(vdi!)?.sha256, 'the bytes XAPI received').to.equal(sha);
    }
  });

  it('reports the XAPI version in the host facts', async () => {
    const facts = await t.hv.facts();
    expect(facts.extra.apiVersion).to.match(/^2\.\d+$/);
  });

  it('clones a VM copy-on-write from the golden template, with secure boot and a static MAC', async () => {
    const vm = await create('a', {
      tags: ['contract'],
      notes: "O'Brien $(x) 🚀",
      secureBoot: 'on',
      nics: [{ name: 'eth0', network: t.network, mac: '02:11:22:33:44:55' }],
    });
    expect(vm).to.deep.include({
      name: t.name('a'),
      state: 'off',
      cpuCount: 2,
      generation: 2,
      secureBoot: 'on',
      notes: "O'Brien $(x) 🚀",
    });
    expect(vm.memory.startupMb).to.equal(1024);
    expect(vm.tags).to.deep.equal(['contract']);
    expect(vm.disks).to.have.length(1);
    expect(vm.disks[0]).to.deep.include({ name: 'os', owned: true, sizeBytes: gibibytes(16) });
    expect(vm.disks[0]!.parentPath, 'a copy-on-write clone of the template disk').to.equal(
      (await t.hv.images.findImage({ name: image }))!.path,
    );
    expect(vm.nics).to.deep.equal([
      { name: 'eth0', network: t.network, mac: '02:11:22:33:44:55', staticMac: true, ipAddresses: [] },
    ]);
  });

  it('makes a full copy when asked, and a VM without an image from scratch', async () => {
    const copy = await create('copy', { disks: [{ name: 'os', image, clone: 'copy' }] });
    expect(copy.disks[0]!.parentPath).to.equal(undefined);
    const bare = await create('bare', {
      generation: 1,
      disks: [{ name: 'data', sizeBytes: gibibytes(2) }],
      memory: { startupMb: 512, dynamic: true, minimumMb: 256, maximumMb: 1024 },
    });
    expect(bare).to.deep.include({ generation: 1, cpuCount: 2 });
    expect(bare.memory).to.deep.equal({ startupMb: 512, dynamic: true, minimumMb: 256, maximumMb: 1024 });
    expect(bare.disks).to.deep.equal([
      { name: 'data', path: bare.disks[0]!.path, sizeBytes: gibibytes(2), owned: true },
    ]);
  });

  it('turns secure boot off, and lowers the CPU count', async () => {
    const vm = await create('re');
    const after = await t.hv.vms.reconfigureVm({ id: vm.id, changes: { cpuCount: 4, secureBoot: 'off' } });
    expect(after).to.deep.include({ cpuCount: 4, secureBoot: 'off' });
    const fewer = await t.hv.vms.reconfigureVm({ id: vm.id, changes: { cpuCount: 1 } });
    expect(fewer.cpuCount).to.equal(1);
  });

  it('gives a new NIC a dynamic MAC, and destroys the VDI of a removed disk', async () => {
    const vm = await create('dn');
    const disk = await t.hv.disks.addDisk({ vmId: vm.id, disk: { name: 'data', sizeBytes: gibibytes(1) } });
    const nic = await t.hv.nics.addNic({ vmId: vm.id, nic: { name: 'eth1', network: t.network } });
    expect(nic.mac).to.match(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(nic.staticMac).to.equal(false);
    await t.hv.disks.removeDisk({ vmId: vm.id, name: 'data', deleteFile: true });
    await t.hv.nics.removeNic({ vmId: vm.id, name: 'eth1' });
    const after = await t.hv.vms.findVm({ ref: { id: vm.id } });
    expect(after!.disks.map((d) => d.name)).to.deep.equal(['os']);
    expect(after!.nics.map((n) => n.name)).to.deep.equal(['eth0']);
    if (t.fake) expect(t.fake.state.db.find('VDI', (r) => r.uuid === disk.path)).to.deep.equal([]);
  });

  it('starts, waits for the guest IP, shuts down cleanly and turns off', async () => {
    const vm = await create('pw');
    await t.hv.power.start({ id: vm.id });
    expect((await t.hv.vms.findVm({ ref: { id: vm.id } }))!.state).to.equal('running');
    const ips = await waitIps(t, vm.id);
    expect(ips.length).to.be.greaterThan(0);
    expect(await t.hv.power.shutdown({ id: vm.id, timeoutMs: 30_000, force: false })).to.deep.equal({ forced: false });
    expect((await t.hv.vms.findVm({ ref: { id: vm.id } }))!.state).to.equal('off');
    await t.hv.power.start({ id: vm.id });
    await t.hv.power.turnOff({ id: vm.id });
    expect((await t.hv.vms.findVm({ ref: { id: vm.id } }))!.state).to.equal('off');
  });

  it('forces off a guest that ignores the clean shutdown, or says it timed out', async function () {
    const fake = fakeOnly(this, t, 'needs a guest that ignores shutdown requests');
    const vm = await create('stubborn');
    await t.hv.power.start({ id: vm.id });
    fake.state.faults.add({ operation: 'VM.clean_shutdown', kind: 'hang' });
    await t.hv.power.shutdown({ id: vm.id, timeoutMs: 300, force: false }).then(
      () => expect.fail('must time out'),
      (e: unknown) => expect(e).to.be.instanceOf(GuestTimeout),
    );
    expect(await t.hv.power.shutdown({ id: vm.id, timeoutMs: 300, force: true })).to.deep.equal({ forced: true });
    expect((await t.hv.vms.findVm({ ref: { id: vm.id } }))!.state).to.equal('off');
  });

  it('deletes a VM with the VDIs it owns, which XAPI alone leaves behind', async () => {
    const vdisBefore = t.fake?.state.db.all('VDI').length;
    const vm = await create('del', {
      disks: [
        { name: 'os', image },
        { name: 'data', sizeBytes: gibibytes(1) },
      ],
    });
    await t.hv.checkpoints.createCheckpoint({ vmId: vm.id, name: 'snap' });
    const paths = vm.disks.map((d) => d.path);
    await t.hv.power.start({ id: vm.id });
    await t.hv.vms.deleteVm({ id: vm.id, removeOwnedDisks: true });
    expect(await t.hv.vms.findVm({ ref: { id: vm.id } })).to.equal(undefined);
    if (t.fake) {
      const left = t.fake.state.db.all('VDI').map(([, r]) => r.uuid);
      for (const p of paths) expect(left).to.not.include(p);
      expect(t.fake.state.db.all('VDI')).to.have.length(
        vdisBefore!,
        'neither the disks nor the snapshot disks are left',
      );
      expect(t.fake.state.db.find('VM', (r) => r.name_label === 'snap')).to.deep.equal([]);
    }
  });

  it('writes, lists and removes host items through VM.xenstore_data', async () => {
    const vm = await create('kvp');
    const ch = t.hv.guestChannel({ vmId: vm.id });
    const lock = 'virtseal-lock.0123456789abcdef.1796307050';
    await ch.writeHostItems([
      ['virtseal.manifest', '2 ab 1 5'],
      ['virtseal.chunk.0', 'hello'],
      [lock, ''],
    ]);
    expect([...(await ch.listHostItems())].sort()).to.deep.equal([
      'virtseal-lock.0123456789abcdef.1796307050',
      'virtseal.chunk.0',
      'virtseal.manifest',
    ]);
    await ch.writeHostItems([['virtseal.chunk.0', 'x'.repeat(2049)]]).then(
      () => expect.fail('a value over 2,048 bytes must be refused before it reaches xenstore'),
      (e: unknown) => expect((e as Error).message).to.match(/2048/),
    );
    await ch.removeHostItems(['virtseal.chunk.0', 'virtseal.manifest', lock]);
    expect(await ch.listHostItems()).to.deep.equal([]);
  });
});

async function waitIps(t: XenTarget, id: string): Promise<readonly string[]> {
  for (let i = 0; i < 100; i++) {
    const ips = await t.hv.guestAddresses({ vmId: id });
    if (ips.length) return ips;
    await new Promise((r) => setTimeout(r, 100));
  }
  return [];
}
