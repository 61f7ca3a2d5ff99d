/**
 * A real generation 2 (UEFI) guest: OVMF boots the busybox test guest from an EFI system partition through
 * Debian's signed shim and GRUB, first with secure boot off, then on (the kernel reports it enabled); a boot loader
 * whose signature no longer verifies is refused; checkpoints of the running and the stopped VM; delete takes the
 * VM's UEFI variables with it.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Unsupported } from '../../../src/core/errors';
import { waitFor } from '../../../src/core/wait';
import { LocalRunner } from '../../../src/transport/local-exec';
import { createLibvirtHypervisor, type LibvirtHypervisor } from '../../../src/drivers/libvirt/index';
import { GuestFiles } from '../../../src/drivers/libvirt/guest-files';
import { libvirtOrSkip } from './libvirt-host';
import { buildGuest, makePool } from './guest-fixture';

const SECURE_BOOT_FIRMWARE = '/usr/share/OVMF/OVMF_CODE_4M.ms.fd';

describe('libvirt driver with a real UEFI guest (OVMF, TCG)', function () {
  this.timeout(600_000);
  let pool: Awaited<ReturnType<typeof makePool>> | undefined;
  let hv: LibvirtHypervisor;
  let vmId = '';
  let tamperedId = '';
  let nvram = '';
  let esp = '';
  let work = '';
  const name = `virtseal uefi ${process.pid}`;

  /** Starts the VM and returns the kernel's secure boot line once its guest agent answers. */
  async function bootAndReadSecureBoot(): Promise<string> {
    await hv.power.start({ id: vmId });
    await waitFor(
      async () =>
        hv.ctx.host.agent(vmId, { execute: 'guest-ping' }, 2).then(
          () => true,
          () => undefined,
        ),
      {
        timeoutMs: 300_000,
        what: 'the UEFI guest agent',
      },
    );
    const files = new GuestFiles(hv.ctx.host, vmId);
    const efi = await files.run(['/bin/sh', '-c', 'test -d /sys/firmware/efi && echo uefi']);
    expect(efi.stdout.trim(), 'the guest booted through UEFI').to.equal('uefi');
    const dmesg = await files.run(['/bin/sh', '-c', 'dmesg | grep -o "secureboot: Secure boot [a-z]*"']);
    return dmesg.stdout.trim();
  }

  before(async function () {
    const libvirt = await libvirtOrSkip(this);
    if (!existsSync(SECURE_BOOT_FIRMWARE)) {
      console.log(`      skipped: ${SECURE_BOOT_FIRMWARE} is missing (build/install-deps.sh installs ovmf)`);
      this.skip();
    }
    esp = await buildGuest('esp');
    pool = await makePool();
    work = await mkdtemp(join(tmpdir(), 'virtseal-uefi-'));
    hv = (await createLibvirtHypervisor({
      runner: new LocalRunner(),
      uri: libvirt.uri,
      poolPath: pool.path,
      consoleLogDir: pool.path,
    })) as LibvirtHypervisor;
    await hv.images.publishImage({ localPath: esp, name: 'esp' });
  });

  after(async () => {
    for (const id of [vmId, tamperedId])
      if (id && hv) await hv.vms.deleteVm({ id, removeOwnedDisks: true }).catch(() => undefined);
    await pool?.remove();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('boots a generation 2 VM from its EFI system partition with secure boot off', async () => {
    const vm = await hv.vms.createVm({
      spec: {
        name,
        generation: 2,
        secureBoot: 'off',
        cpuCount: 1,
        memory: { startupMb: 512 },
        disks: [{ name: 'os', image: 'esp' }],
        nics: [],
      },
    });
    vmId = vm.id;
    expect(vm).to.include({ generation: 2, secureBoot: 'off', state: 'off' });
    expect(await bootAndReadSecureBoot()).to.equal('secureboot: Secure boot disabled');
    nvram =
      /<nvram[^>]*>([^<]+)<\/nvram>/.exec(
        execFileSync('virsh', ['-c', hv.ctx.host.uri, 'dumpxml', vmId], { encoding: 'utf8' }),
      )?.[1] ?? '';
    expect(nvram, 'the VM has its own UEFI variable store').to.match(/\.fd$/);
    await access(nvram);
  });

  it('refuses a checkpoint of the running UEFI VM, saying to stop it first', async () => {
    const err = await hv.checkpoints.createCheckpoint({ vmId, name: 'running' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(Unsupported);
    expect((err as Error).message).to.contain('stop the VM');
    expect(await hv.checkpoints.listCheckpoints({ vmId })).to.deep.equal([]);
  });

  it('turns secure boot on for the stopped VM, which then boots through the verified shim, GRUB and kernel', async () => {
    // The busybox guest runs no ACPI daemon: the graceful stop times out and the VM is turned off.
    await hv.power.shutdown({ id: vmId, timeoutMs: 2_000, force: true });
    const cp = await hv.checkpoints.createCheckpoint({ vmId, name: 'before secure boot' });
    expect(cp.name).to.equal('before secure boot');
    await hv.checkpoints.removeCheckpoint({ vmId, name: 'before secure boot' });
    const vm = await hv.vms.reconfigureVm({ id: vmId, changes: { secureBoot: 'on' } });
    expect(vm).to.include({ generation: 2, secureBoot: 'on' });
    expect(await bootAndReadSecureBoot()).to.equal('secureboot: Secure boot enabled');
  });

  it('refuses, with secure boot on, a boot loader whose signature no longer verifies', async () => {
    // The same partition with one byte of shim's code changed: its Authenticode hash no longer matches its signature.
    const mtools = { env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } };
    const raw = join(work, 'esp-tampered.raw');
    const shim = join(work, 'BOOTX64.EFI');
    execFileSync('qemu-img', ['convert', '-O', 'raw', esp, raw]);
    execFileSync('mcopy', ['-i', raw, '::/EFI/BOOT/BOOTX64.EFI', shim], mtools);
    const bytes = readFileSync(shim);
    bytes[0x1000] ^= 0xff;
    writeFileSync(shim, bytes);
    execFileSync('mcopy', ['-o', '-i', raw, shim, '::/EFI/BOOT/BOOTX64.EFI'], mtools);
    execFileSync('qemu-img', ['convert', '-O', 'qcow2', raw, join(work, 'esp-tampered.qcow2')]);
    await hv.images.publishImage({ localPath: join(work, 'esp-tampered.qcow2'), name: 'esp-tampered' });
    const vm = await hv.vms.createVm({
      spec: {
        name: `${name} tampered`,
        generation: 2,
        secureBoot: 'on',
        cpuCount: 1,
        memory: { startupMb: 512 },
        disks: [{ name: 'os', image: 'esp-tampered' }],
        nics: [],
      },
    });
    tamperedId = vm.id;
    await hv.power.start({ id: tamperedId });
    const consoleLog = join(pool!.path, `${tamperedId}.log`);
    const refusal = await waitFor(
      async () => /^.*Access Denied.*$/m.exec(await readFile(consoleLog, 'utf8').catch(() => ''))?.[0],
      { timeoutMs: 240_000, what: 'the firmware to refuse the tampered boot loader' },
    );
    expect(refusal).to.match(/BdsDxe: failed to (load|start) Boot\d+/);
    expect(
      await hv.ctx.host.agent(tamperedId, { execute: 'guest-ping' }, 2).then(
        () => 'answers',
        () => 'silent',
      ),
      'no guest ran',
    ).to.equal('silent');
    await hv.vms.deleteVm({ id: tamperedId, removeOwnedDisks: true });
    tamperedId = '';
  });

  it('deletes the VM with its UEFI variables', async () => {
    await hv.vms.deleteVm({ id: vmId, removeOwnedDisks: true });
    const id = vmId;
    vmId = '';
    expect(await hv.vms.findVm({ ref: { id } })).to.equal(undefined);
    expect(
      await access(nvram).then(
        () => true,
        () => false,
      ),
      'UEFI variables after delete',
    ).to.equal(false);
  });
});
