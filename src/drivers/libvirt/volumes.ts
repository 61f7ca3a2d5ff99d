/**
 * Disk files in the storage pool, through qemu-img with argument vectors: backing-file clones (O(1), the image
 * stays read-only underneath), full copies, empty disks, resize and inspection.
 */
import { InvalidArgument, NotFound } from '../../core/errors';
import type { Bytes } from '../../core/units';
import { type LibvirtContext, checkFileName, imagesDir } from './context';

export interface VolumeInfo {
  readonly format: string;
  readonly virtualSize: number;
  readonly backingFile?: string;
}

export async function volumeInfo(ctx: LibvirtContext, path: string): Promise<VolumeInfo> {
  const out = await ctx.host.exec(['qemu-img', 'info', '--output=json', '-U', '--', path]);
  const info = JSON.parse(out) as {
    format: string;
    'virtual-size': number;
    'backing-filename'?: string;
    'full-backing-filename'?: string;
  };
  const backing = info['full-backing-filename'] ?? info['backing-filename'];
  return {
    format: info.format,
    virtualSize: info['virtual-size'],
    ...(backing !== undefined ? { backingFile: backing } : {}),
  };
}

export async function imagePath(ctx: LibvirtContext, image: string, option: string): Promise<string> {
  const path = `${imagesDir(ctx)}/${checkFileName(image, option)}.qcow2`;
  const probe = await ctx.host.runner.run(['test', '-f', path]);
  if (probe.code !== 0)
    throw new NotFound(`image '${image}' is not in the storage pool (${imagesDir(ctx)})`, { details: { option } });
  return path;
}

export async function createVolume(
  ctx: LibvirtContext,
  options: {
    readonly path: string;
    readonly from?: string;
    readonly clone?: 'differencing' | 'copy';
    readonly sizeBytes?: Bytes;
    readonly option: string;
  },
): Promise<void> {
  const { path, from, sizeBytes } = options;
  if (from === undefined) {
    if (sizeBytes === undefined)
      throw new InvalidArgument('a disk without an image needs a size', `${options.option}.sizeBytes`);
    await ctx.host.exec(['qemu-img', 'create', '-q', '-f', 'qcow2', '--', path, String(sizeBytes)]);
    return;
  }
  if ((options.clone ?? 'differencing') === 'differencing') {
    await ctx.host.exec(['qemu-img', 'create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', from, '--', path]);
  } else {
    await ctx.host.exec(['qemu-img', 'convert', '-q', '-O', 'qcow2', '--', from, path]);
  }
  if (sizeBytes !== undefined) await growVolume(ctx, path, sizeBytes, options.option);
}

/** Grows a volume that is not in use by a running guest (shrinking would destroy data and is refused). */
export async function growVolume(ctx: LibvirtContext, path: string, sizeBytes: Bytes, option: string): Promise<void> {
  const info = await volumeInfo(ctx, path);
  if (sizeBytes < info.virtualSize) {
    throw new InvalidArgument(
      `disk cannot shrink from ${info.virtualSize} to ${sizeBytes} bytes`,
      `${option}.sizeBytes`,
    );
  }
  if (sizeBytes > info.virtualSize) await ctx.host.exec(['qemu-img', 'resize', '-q', '--', path, String(sizeBytes)]);
}

export async function removeFile(ctx: LibvirtContext, path: string): Promise<void> {
  await ctx.host.exec(['rm', '-f', '--', path]);
}
