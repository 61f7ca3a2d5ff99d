/** The driver contract on the Hyper-V driver against the host simulator (real PowerShell over SSH on loopback). */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimHost } from '../../src/testing/with-sim';
import { driverContract } from './driver-contract';

driverContract('hyperv-sim', async () => {
  const host = await startSimHost();
  return {
    hv: await host.connect(),
    network: host.standard.preset.switchName,
    generation: 2,
    async makeImage(dir, variant) {
      const path = join(dir, `image-${variant}.vhdx`);
      await writeFile(path, Buffer.alloc(1024 * 1024 + variant, variant));
      return path;
    },
    close: () => host.stop(),
  };
});
