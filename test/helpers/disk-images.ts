/**
 * Small real disk images for tests, made by qemu-img and written to by qemu-io: the image pipeline reads each
 * source's format with qemu-img, so test sources are real images, not bytes named `.vhdx`.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';

export type TestImageFormat = 'vhdx' | 'qcow2' | 'raw' | 'vmdk';

/** Creates `path` as a `sizeMiB` image whose first 64 KiB are `fill`, so two fills give two different images. */
export function makeDiskImage(
  path: string,
  format: TestImageFormat,
  options: { readonly sizeMiB?: number; readonly fill?: number } = {},
): number {
  const size = `${options.sizeMiB ?? 4}M`;
  execFileSync('qemu-img', [
    'create',
    '-q',
    '-f',
    format,
    ...(format === 'vhdx' ? ['-o', 'subformat=dynamic'] : []),
    path,
    size,
  ]);
  execFileSync('qemu-io', ['-f', format, '-c', `write -P ${options.fill ?? 0x5a} 0 64k`, path], { stdio: 'ignore' });
  return statSync(path).size;
}
