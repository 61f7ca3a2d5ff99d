/**
 * Test fixture: builds the test guests (build/guest-image/build.sh, cached under .tmp/guest-image) and gives each
 * test run its own storage pool directory that libvirt's qemu user can read.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const imageDir = process.env.VIRTSEAL_IMAGE_DIR ?? join(repoRoot, '.tmp/guest-image');

export async function buildGuest(target: 'kernel' | 'debian' | 'esp'): Promise<string> {
  const { stdout } = await run(join(repoRoot, 'build/guest-image/build.sh'), [target], {
    env: { ...process.env, VIRTSEAL_IMAGE_DIR: imageDir },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 15 * 60_000,
  });
  return stdout.trim().split('\n').pop() ?? '';
}

/** A fresh pool directory below /var/lib/libvirt/images (its parents are traversable by libvirt-qemu). */
export async function makePool(): Promise<{ readonly path: string; remove(): Promise<void> }> {
  const path = await mkdtemp('/var/lib/libvirt/images/virtseal-test-');
  await chmod(path, 0o755); // libvirt's qemu user must traverse it to reach the disks
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export async function makeIso(dir: string, name: string, files: Record<string, string>): Promise<string> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const src = join(dir, `${name}-src`);
  await mkdir(src, { recursive: true });
  for (const [file, content] of Object.entries(files)) await writeFile(join(src, file), content);
  const iso = join(dir, `${name}.iso`);
  await run('genisoimage', ['-quiet', '-output', iso, '-volid', 'CIDATA', '-joliet', '-rock', src]);
  return iso;
}
