/**
 * The driver contract on the libvirt driver against this machine's libvirtd and QEMU (TCG), in a storage pool of its
 * own; skipped with the reason where libvirt cannot run (test/integration/libvirt/libvirt-host.ts). The suite's VMs
 * boot the busybox test guest (kernel, initramfs and qemu-guest-agent), so the guest channel meets a real agent.
 */
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor } from '../../src/core/wait';
import { createLibvirtHypervisor, type LibvirtHypervisor } from '../../src/drivers/libvirt/index';
import { LocalRunner } from '../../src/transport/local-exec';
import { buildGuest, imageDir, makePool } from '../integration/libvirt/guest-fixture';
import { libvirtOrSkip } from '../integration/libvirt/libvirt-host';
import { driverContract } from './driver-contract';

driverContract('libvirt-qemu', async (suite) => {
  const libvirt = await libvirtOrSkip(suite);
  await buildGuest('kernel');
  const pool = await makePool();
  const hv = (await createLibvirtHypervisor({
    runner: new LocalRunner(),
    uri: libvirt.uri,
    poolPath: pool.path,
    guestKvpDir: '/run/virtseal/kvp',
  })) as LibvirtHypervisor;
  return {
    hv,
    hypervisor: 'libvirt',
    // Defined but not started: a domain may name an inactive network.
    network: 'default',
    generation: 1,
    async makeImage(dir, variant) {
      const path = join(dir, `image-${variant}.qcow2`);
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path, `${32 * (variant + 1)}M`]);
      return path;
    },
    async baseImage(dir) {
      const file = join(dir, 'mini.qcow2');
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', file, '64M']);
      const boot = { kernel: join(imageDir, 'vmlinuz'), initrd: join(imageDir, 'initrd.gz'), cmdline: 'console=ttyS0' };
      await writeFile(`${file}.boot.json`, JSON.stringify(boot));
      return { file };
    },
    async guestReady(vmId) {
      await waitFor(
        () =>
          hv.ctx.host.agent(vmId, { execute: 'guest-ping' }, 2).then(
            () => true,
            () => undefined,
          ),
        { timeoutMs: 300_000, what: 'the guest agent' },
      );
    },
    async close() {
      await hv.close();
      await pool.remove();
    },
  };
});
