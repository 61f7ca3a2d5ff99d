/**
 * Benchmark: a VM disk as a backing-file clone (O(1), what `clone: differencing` does) against a full copy of the
 * same image (`clone: copy`), both through the libvirt driver's qemu-img calls, printed as a ratio. The image holds
 * 256 MiB of written data so the copy has something to move. Needs only qemu-img and qemu-io (qemu-utils).
 *
 *   npx tsx bench/libvirt.bench.ts [iterations]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../src/core/clock';
import type { LibvirtContext } from '../src/drivers/libvirt/context';
import { HostCommands } from '../src/drivers/libvirt/virsh';
import { createVolume } from '../src/drivers/libvirt/volumes';
import { LocalRunner } from '../src/transport/local-exec';

export default async function bench(): Promise<void> {
  const iterations = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5);
  const dir = mkdtempSync(join(tmpdir(), 'virtseal-bench-libvirt-'));
  try {
    const image = join(dir, 'image.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', image, '1G']);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0xa5 0 256M', image], { stdio: 'ignore' });
    const ctx: LibvirtContext = {
      host: new HostCommands({ runner: new LocalRunner() }),
      poolPath: dir,
      domainType: 'qemu',
      guestKvpDir: '/var/lib/virtseal/kvp',
      clock: systemClock,
    };
    const time = async (clone: 'differencing' | 'copy'): Promise<number> => {
      const start = performance.now();
      for (let i = 0; i < iterations; i++) {
        const path = join(dir, `${clone}-${i}.qcow2`);
        await createVolume(ctx, { path, from: image, clone, option: 'disk' });
        rmSync(path);
      }
      return (performance.now() - start) / iterations;
    };
    const copy = await time('copy');
    const clone = await time('differencing');
    console.log(`full copy of a 256 MiB-data qcow2 (baseline)    ${copy.toFixed(1).padStart(9)} ms/disk`);
    console.log(`backing-file clone of the same image            ${clone.toFixed(1).padStart(9)} ms/disk`);
    console.log(`ratio copy / clone                              ${(copy / clone).toFixed(1).padStart(9)} x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
