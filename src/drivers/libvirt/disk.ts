/** Disks of an existing VM: add (new, cloned or existing file), remove, grow (qemu-img offline, blockresize live). */
import { posix } from 'node:path';
import { Conflict, InvalidArgument, NotFound } from '../../core/errors';
import type { Bytes } from '../../core/units';
import type { DiskDriver, DiskInfo, DiskSpec } from '../types';
import { type LibvirtContext, domainState, liveFlags, readDomain, vmDir } from './context';
import type { DomainDisk } from './domain-model';
import { firstFreeTarget } from './domain-model';
import { buildDiskXml, buildMetadataXml } from './domain-xml';
import type { ParsedDomain } from './domain-parse';
import { VIRTSEAL_NS } from './domain-model';
import { createVolume, growVolume, imagePath, removeFile, volumeInfo } from './volumes';

export class LibvirtDiskDriver implements DiskDriver {
  constructor(private readonly ctx: LibvirtContext) {}

  async addDisk(options: { readonly vmId: string; readonly disk: DiskSpec }): Promise<DiskInfo> {
    const ctx = this.ctx;
    const spec = options.disk;
    const domain = await readDomain(ctx, options.vmId, true);
    if (domain.disks.some((d) => d.name === spec.name))
      throw new Conflict(`VM '${domain.name}' already has a disk named '${spec.name}'`, {
        details: { option: 'disk.name' },
      });
    const dev = firstFreeTarget(domain.disks.map((d) => d.dev));
    let disk: DomainDisk;
    if (spec.path !== undefined) {
      const info = await volumeInfo(ctx, spec.path);
      disk = { name: spec.name, dev, path: spec.path, format: info.format === 'raw' ? 'raw' : 'qcow2', owned: false };
    } else {
      const path = posix.join(vmDir(ctx, domain.uuid), `${dev}.qcow2`);
      await ctx.host.exec(['mkdir', '-p', '-m', '0711', '--', vmDir(ctx, domain.uuid)]);
      const from = spec.image === undefined ? undefined : await imagePath(ctx, spec.image, 'disk.image');
      await createVolume(ctx, { path, option: 'disk', from, clone: spec.clone, sizeBytes: spec.sizeBytes });
      disk = { name: spec.name, dev, path, format: 'qcow2', owned: true };
    }
    try {
      await ctx.host.virshWithXml(
        ['attach-device', `--domain=${domain.uuid}`, ...(await liveFlags(ctx, domain.uuid))],
        '--file',
        buildDiskXml(disk),
      );
    } catch (e) {
      if (disk.owned) await removeFile(ctx, disk.path);
      throw e;
    }
    await writeMetadata(ctx, { ...domain, disks: [...domain.disks, disk] });
    return toDiskInfo(ctx, disk);
  }

  async removeDisk(options: {
    readonly vmId: string;
    readonly name: string;
    readonly deleteFile: boolean;
  }): Promise<void> {
    const ctx = this.ctx;
    const domain = await readDomain(ctx, options.vmId, true);
    const disk = findDisk(domain, options.name);
    await ctx.host.virshWithXml(
      ['detach-device', `--domain=${domain.uuid}`, ...(await liveFlags(ctx, domain.uuid))],
      '--file',
      buildDiskXml(disk),
    );
    await writeMetadata(ctx, { ...domain, disks: domain.disks.filter((d) => d !== disk) });
    if (options.deleteFile && disk.owned) await removeFile(ctx, disk.path);
  }

  async resizeDisk(options: {
    readonly vmId: string;
    readonly name: string;
    readonly sizeBytes: Bytes;
  }): Promise<DiskInfo> {
    const ctx = this.ctx;
    const domain = await readDomain(ctx, options.vmId, true);
    const disk = findDisk(domain, options.name);
    if ((await domainState(ctx, domain.uuid)) === 'running') {
      const info = await volumeInfo(ctx, disk.path);
      if (options.sizeBytes < info.virtualSize)
        throw new InvalidArgument(
          `disk cannot shrink from ${info.virtualSize} to ${options.sizeBytes} bytes`,
          'sizeBytes',
        );
      await ctx.host.virsh([
        'blockresize',
        `--domain=${domain.uuid}`,
        `--path=${disk.dev}`,
        `--size=${options.sizeBytes}B`,
      ]);
    } else {
      await growVolume(ctx, disk.path, options.sizeBytes, 'disk');
    }
    return toDiskInfo(ctx, disk);
  }
}

function findDisk(domain: ParsedDomain, name: string): DomainDisk {
  const disk = domain.disks.find((d) => d.name === name);
  if (!disk) throw new NotFound(`VM '${domain.name}' has no disk named '${name}'`, { details: { option: 'name' } });
  return disk;
}

async function toDiskInfo(ctx: LibvirtContext, disk: DomainDisk): Promise<DiskInfo> {
  const info = await volumeInfo(ctx, disk.path);
  return {
    name: disk.name,
    path: disk.path,
    sizeBytes: info.virtualSize,
    owned: disk.owned,
    ...(info.backingFile ? { parentPath: info.backingFile } : {}),
  };
}

export async function writeMetadata(
  ctx: LibvirtContext,
  domain: Parameters<typeof buildMetadataXml>[0] & { readonly uuid: string },
): Promise<void> {
  await ctx.host.virsh([
    'metadata',
    `--domain=${domain.uuid}`,
    `--uri=${VIRTSEAL_NS}`,
    '--key=virtseal',
    `--set=${buildMetadataXml(domain)}`,
    ...(await liveFlags(ctx, domain.uuid)),
  ]);
}
