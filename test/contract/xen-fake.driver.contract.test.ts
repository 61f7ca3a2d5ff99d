/** The driver contract on the Xen driver against the fake XAPI (or a real pool when configured, see xen-target.ts). */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { driverContract } from './driver-contract';
import { openXenTarget, realPoolConfigured } from './xen-target';

driverContract(realPoolConfigured() ? 'xen-real' : 'xen-fake', async () => {
  const target = await openXenTarget();
  return {
    hv: target.hv,
    hypervisor: 'xen',
    network: target.network,
    generation: 2,
    async makeImage(dir, variant) {
      const path = join(dir, `image-${variant}.raw`);
      await writeFile(path, Buffer.alloc(2 * 1024 * 1024, variant));
      return path;
    },
    close: () => target.close(),
  };
});
