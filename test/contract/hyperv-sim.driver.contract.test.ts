/**
 * The driver contract on the Hyper-V driver: against the host simulator (real PowerShell over SSH on loopback) on
 * every run, and against a real Hyper-V host when VIRTSEAL_HYPERV_HOST and credentials are set (hyperv-target.ts).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { driverContract } from './driver-contract';
import { openTarget, realHostConfigured } from './hyperv-target';

driverContract(realHostConfigured() ? 'hyperv-real' : 'hyperv-sim', async () => {
  const t = await openTarget();
  const real = t.kind === 'real';
  const publish = !real || Boolean(process.env.VIRTSEAL_HYPERV_PUBLISH);
  const cluster = real && (await t.hv.facts()).cluster;
  return {
    hv: t.hv,
    hypervisor: 'hyperv',
    network: t.switchName,
    generation: 2,
    async makeImage(dir, variant) {
      const path = join(dir, `image-${variant}.vhdx`);
      await writeFile(path, Buffer.alloc(1024 * 1024 + variant, variant));
      return path;
    },
    ...(real ? { baseImage: async () => ({ name: t.imageName }) } : {}),
    unsupported: {
      ...(publish ? {} : { images: 'set VIRTSEAL_HYPERV_PUBLISH=1 to allow test files in the image library' }),
      ...(cluster
        ? { cluster: 'the host is a failover cluster node (hyperv.contract.test.ts adds a role there)' }
        : {}),
    },
    close: () => t.close(),
  };
});
