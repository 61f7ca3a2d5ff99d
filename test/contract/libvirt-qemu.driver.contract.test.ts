/**
 * The driver contract on the libvirt driver against this machine's libvirtd and QEMU (TCG), in a storage pool of its
 * own; skipped with the reason where libvirt cannot run (test/integration/libvirt/libvirt-host.ts).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createLibvirtHypervisor } from '../../src/drivers/libvirt/index';
import { LocalRunner } from '../../src/transport/local-exec';
import { makePool } from '../integration/libvirt/guest-fixture';
import { libvirtOrSkip } from '../integration/libvirt/libvirt-host';
import { driverContract } from './driver-contract';

driverContract('libvirt-qemu', async (suite) => {
  const libvirt = await libvirtOrSkip(suite);
  const pool = await makePool();
  const hv = await createLibvirtHypervisor({ runner: new LocalRunner(), uri: libvirt.uri, poolPath: pool.path });
  return {
    hv,
    // Defined but not started: a domain may name an inactive network.
    network: 'default',
    generation: 1,
    async makeImage(dir, variant) {
      const path = join(dir, `image-${variant}.qcow2`);
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path, `${32 * variant}M`]);
      return path;
    },
    unsupported: {},
    async close() {
      await hv.close();
      await pool.remove();
    },
  };
});
