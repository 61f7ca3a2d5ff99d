/**
 * The fast libvirt test: a real QEMU guest (TCG) booted from a kernel + busybox initramfs with qemu-guest-agent,
 * driven only through the libvirt driver: image publish, VM create with a hostile name, the guest-agent KVP
 * channel against a guest-side reader/writer, live disk changes, DVD, checkpoints, forced stop, delete, and a
 * generation 2 guest with a TPM.
 */
import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile, access } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mebibytes } from '../../../src/core/units';
import { LocalRunner } from '../../../src/transport/local-exec';
import { createLibvirtHypervisor, type LibvirtHypervisor } from '../../../src/drivers/libvirt/index';
import { GuestFiles } from '../../../src/drivers/libvirt/guest-files';
import { waitFor } from '../../../src/core/wait';
import { type LibvirtHost, libvirtOrSkip } from './libvirt-host';
import { buildGuest, imageDir, makeIso, makePool, repoRoot } from './guest-fixture';
import { runSealedExchange } from '../../../src/seal/host-exchange';

const KVP_DIR = '/run/virtseal/kvp';

describe('libvirt driver with a real busybox guest (TCG)', function () {
  this.timeout(300_000);
  let libvirt: LibvirtHost | undefined;
  let pool: Awaited<ReturnType<typeof makePool>> | undefined;
  let work = '';
  let hv: LibvirtHypervisor;
  let vmId = '';
  let tpmId = '';
  const name = `virtseal mini O'Brien "; $(id) \`x\` Привет 🙂 ${process.pid}`;

  before(async function () {
    libvirt = await libvirtOrSkip(this);
    await buildGuest('kernel');
    pool = await makePool();
    work = await mkdtemp(join(tmpdir(), 'virtseal-mini-'));
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(work, 'mini.qcow2'), '64M']);
    await writeFile(
      join(work, 'mini.qcow2.boot.json'),
      JSON.stringify({
        kernel: join(imageDir, 'vmlinuz'),
        initrd: join(imageDir, 'initrd.gz'),
        cmdline: 'console=ttyS0 panic=-1',
      }),
    );
    hv = (await createLibvirtHypervisor({
      runner: new LocalRunner(),
      uri: libvirt.uri,
      poolPath: pool.path,
      consoleLogDir: pool.path,
      guestKvpDir: KVP_DIR,
    })) as LibvirtHypervisor;
  });

  after(async () => {
    for (const id of [vmId, tpmId])
      if (id && hv) await hv.vms.deleteVm({ id, removeOwnedDisks: true }).catch(() => undefined);
    await pool?.remove();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('publishes an image with its boot files once, and skips an unchanged one', async () => {
    const first = await hv.images.publishImage({ localPath: join(work, 'mini.qcow2'), name: 'mini' });
    expect(first.skipped).to.equal(false);
    expect(first.sentBytes).to.be.greaterThan(0);
    const again = await hv.images.publishImage({ localPath: join(work, 'mini.qcow2'), name: 'mini' });
    expect(again).to.include({ skipped: true, sentBytes: 0 });
    expect((await hv.images.listImages()).map((i) => i.name)).to.deep.equal(['mini']);
    await access(join(pool!.path, 'images', 'mini.vmlinuz'));
  });

  it('creates a VM with a hostile name from a backing-file clone and starts it', async () => {
    const vm = await hv.vms.createVm({
      spec: {
        name,
        generation: 1,
        cpuCount: 1,
        memory: { startupMb: 256 },
        disks: [{ name: 'os', image: 'mini', sizeBytes: mebibytes(128) }],
        nics: [],
        tags: ["a'b", 'c d'],
        notes: '<&>',
      },
    });
    vmId = vm.id;
    expect(vm).to.include({ name, state: 'off' });
    expect(vm.tags).to.deep.equal(["a'b", 'c d']);
    expect(vm.notes).to.equal('<&>');
    expect(vm.disks[0]).to.include({ name: 'os', owned: true, sizeBytes: 128 * 1024 * 1024 });
    const info = JSON.parse(
      execFileSync('qemu-img', ['info', '--output=json', '-U', vm.disks[0]!.path], { encoding: 'utf8' }),
    ) as { 'backing-filename'?: string };
    expect(info['backing-filename']).to.equal(join(pool!.path, 'images', 'mini.qcow2'));
    await hv.power.start({ id: vmId });
    expect((await hv.vms.findVm({ ref: { name } }))!.state).to.equal('running');
  });

  it('carries KVP records both ways through the guest agent', async () => {
    const channel = hv.guestChannel({ vmId });
    await waitFor(
      async () =>
        hv.ctx.host.agent(vmId, { execute: 'guest-ping' }, 2).then(
          () => true,
          () => undefined,
        ),
      { timeoutMs: 180_000, what: 'the guest agent' },
    );
    const long = 'v'.repeat(2000);
    await channel.writeHostItems([
      ['virtseal.a', '1'],
      ['virtseal.long', long],
      ['virtseal.gone', 'x'],
    ]);
    await channel.writeHostItems([['virtseal.a', '2']]);
    await channel.removeHostItems(['virtseal.gone']);
    expect(await channel.listHostItems()).to.deep.equal(['virtseal.a', 'virtseal.long']);

    const files = new GuestFiles(hv.ctx.host, vmId);
    await files.write('/tmp/guest-echo.sh', await readFile(new URL('./guest-echo.sh', import.meta.url)));
    const echoed = await files.run(['/bin/sh', '/tmp/guest-echo.sh', KVP_DIR]);
    expect(echoed.exitCode, echoed.stderr).to.equal(0);
    const back = await channel.readGuestItems();
    expect(back.get('echo.virtseal.a')).to.equal('2');
    expect(back.get('echo.virtseal.long')).to.equal(long);
    expect(back.has('echo.virtseal.gone')).to.equal(false);
    expect(back.get('fact.VirtualMachineId')).to.equal(vmId);
    expect(back.get('fact.VirtualMachineName')).to.equal(name);
    const stat = await files.run(['/bin/stat', '-c', '%s %a', `${KVP_DIR}/.kvp_pool_0`, KVP_DIR]);
    expect(stat.stdout.trim().split('\n')[0]).to.equal('5120 600');
    expect(stat.stdout.trim().split('\n')[1]).to.match(/ 700$/);
    await channel.removeHostItems(await channel.listHostItems());
    expect(await channel.listHostItems()).to.deep.equal([]);
  });

  it('runs the sealed exchange with the real Linux agent inside the guest', async () => {
    const files = new GuestFiles(hv.ctx.host, vmId);
    await files.write('/tmp/virtseal-agent', await readFile(join(repoRoot, 'src/guest/linux/virtseal-agent')));
    // The agent runs under dash + GNU tools against a scratch root (no useradd in this guest: hostname and time zone).
    const agent = files.run(
      [
        '/usr/local/bin/dash',
        '/tmp/virtseal-agent',
        'run',
        '--kvp-dir',
        KVP_DIR,
        '--root',
        '/tmp/vsroot',
        '--state-dir',
        '/tmp/vsstate',
        '--timeout',
        '240',
        '--ack-timeout',
        '60',
      ],
      { timeoutMs: 300_000 },
    );
    const result = await runSealedExchange({
      channel: hv.guestChannel({ vmId }),
      vmId,
      config: { hostname: 'mini-sealed', timezone: 'UTC' },
      timeoutMs: 240_000,
    });
    expect(result).to.include({ protocol: 'v3', state: 'applied', attempts: 1 });
    const exit = await agent;
    expect(exit.exitCode, exit.stderr).to.equal(0);
    expect((await files.read('/tmp/vsroot/etc/hostname'))?.toString()).to.equal('mini-sealed\n');
    expect(await hv.guestChannel({ vmId }).listHostItems()).to.deep.equal([]);
    const left = await files.run(['/bin/sh', '-c', 'ls -A /run | grep -c "^virtseal\\." || true']);
    expect(left.stdout.trim()).to.equal('0');
  });

  it('adds, grows and removes a disk on the running VM, and swaps the DVD', async () => {
    const disk = await hv.disks.addDisk({ vmId, disk: { name: 'data', sizeBytes: mebibytes(32) } });
    expect(disk).to.include({ name: 'data', owned: true, sizeBytes: 32 * 1024 * 1024 });
    const files = new GuestFiles(hv.ctx.host, vmId);
    const sectors = (bytes: number) => async () => {
      const r = await files.run(['/bin/sh', '-c', 'cat /sys/block/vdb/size 2>/dev/null || true']);
      return r.stdout.trim() === String(bytes / 512) ? r.stdout.trim() : undefined;
    };
    // A resize signalled before the guest's driver has probed the new disk is not seen by it: wait for the probe.
    await waitFor(sectors(32 * 1024 * 1024), { timeoutMs: 30_000, what: 'the guest to see the added disk' });
    const grown = await hv.disks.resizeDisk({ vmId, name: 'data', sizeBytes: mebibytes(48) });
    expect(grown.sizeBytes).to.equal(48 * 1024 * 1024);
    const size = await waitFor(sectors(48 * 1024 * 1024), {
      timeoutMs: 30_000,
      what: 'the guest to see the grown disk',
    });
    expect(Number(size) * 512).to.equal(48 * 1024 * 1024);
    expect((await hv.vms.findVm({ ref: { id: vmId } }))!.disks.map((d) => d.name)).to.deep.equal(['os', 'data']);
    await hv.disks.removeDisk({ vmId, name: 'data', deleteFile: true });
    expect((await hv.vms.findVm({ ref: { id: vmId } }))!.disks.map((d) => d.name)).to.deep.equal(['os']);
    const iso = await makeIso(pool!.path, 'seed', { 'meta-data': 'instance-id: x\n', 'user-data': '#cloud-config\n' });
    await hv.media.attachIso({ vmId, path: iso });
    expect((await hv.vms.findVm({ ref: { id: vmId } }))!.dvd).to.equal(iso);
    await hv.media.detachIso({ vmId });
    expect((await hv.vms.findVm({ ref: { id: vmId } }))!.dvd).to.equal(undefined);
  });

  it('takes, lists and removes a checkpoint', async () => {
    const cp = await hv.checkpoints.createCheckpoint({ vmId, name: 'before update' });
    expect(cp.name).to.equal('before update');
    expect((await hv.checkpoints.listCheckpoints({ vmId })).map((c) => c.name)).to.deep.equal(['before update']);
    await hv.checkpoints.removeCheckpoint({ vmId, name: 'before update' });
    expect(await hv.checkpoints.listCheckpoints({ vmId })).to.deep.equal([]);
  });

  it('turns the VM off when the guest ignores ACPI and force is set, then starts it again', async () => {
    // The busybox guest runs no ACPI daemon, so the graceful path must time out.
    const r = await hv.power.shutdown({ id: vmId, timeoutMs: 3_000, force: true });
    expect(r.forced).to.equal(true);
    expect((await hv.vms.findVm({ ref: { id: vmId } }))!.state).to.equal('off');
    await hv.power.start({ id: vmId });
    expect((await hv.vms.findVm({ ref: { id: vmId } }))!.state).to.equal('running');
  });

  it('boots a generation 2 VM with an emulated TPM 2.0 (swtpm), and deletes it with its TPM state', async () => {
    const tpmVm = await hv.vms.createVm({
      spec: {
        name: `${name} tpm`,
        generation: 2,
        tpm: true,
        cpuCount: 1,
        memory: { startupMb: 256 },
        disks: [{ name: 'os', image: 'mini' }],
        nics: [],
      },
    });
    tpmId = tpmVm.id;
    expect(tpmVm).to.include({ generation: 2, tpm: true, state: 'off' });
    await hv.power.start({ id: tpmId });
    await waitFor(
      async () =>
        hv.ctx.host.agent(tpmId, { execute: 'guest-ping' }, 2).then(
          () => true,
          () => undefined,
        ),
      { timeoutMs: 240_000, what: 'the TPM guest agent' },
    );
    const probe = await new GuestFiles(hv.ctx.host, tpmId).run(['/bin/cat', '/sys/class/tpm/tpm0/tpm_version_major']);
    expect(probe.exitCode, probe.stderr).to.equal(0);
    expect(probe.stdout.trim()).to.equal('2');
    const tpmState = `/var/lib/libvirt/swtpm/${tpmVm.id}`;
    expect(
      await access(tpmState).then(
        () => true,
        () => false,
      ),
      'TPM state while the VM exists',
    ).to.equal(true);
    await hv.vms.deleteVm({ id: tpmId, removeOwnedDisks: true });
    tpmId = '';
    expect(await hv.vms.findVm({ ref: { id: tpmVm.id } })).to.equal(undefined);
    expect(
      await access(tpmState).then(
        () => true,
        () => false,
      ),
      'TPM state after delete',
    ).to.equal(false);
  });

  it('deletes the VM with its owned disks and leaves the image', async () => {
    const vm = (await hv.vms.findVm({ ref: { id: vmId } }))!;
    await hv.vms.deleteVm({ id: vmId, removeOwnedDisks: true });
    vmId = '';
    expect(await hv.vms.findVm({ ref: { name } })).to.equal(undefined);
    const gone = await access(vm.disks[0]!.path).then(
      () => false,
      () => true,
    );
    expect(gone).to.equal(true);
    expect((await hv.images.listImages()).map((i) => i.name)).to.deep.equal(['mini']);
  });
});
