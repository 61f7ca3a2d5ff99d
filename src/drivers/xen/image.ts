/**
 * Golden images as XAPI templates: the raw image is streamed with `PUT /import_raw_vdi` into a new VDI (its
 * sha256, computed here because XAPI keeps none, goes into the VDI's and the template's other_config), and a
 * template VM holding that VDI is what `VM.clone` copies per VM. The same hash under the same name skips the
 * upload; a different file under an existing name is refused, since clones of the old one depend on it.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Conflict, InvalidArgument } from '../../core/errors';
import { sha256File } from '../../transport/file-hash';
import type { ImageDriver, ImageInfo, PublishProgress, PublishResult, StreamPublishOptions } from '../types';
import { type XenContext, IMAGE_KEY, IMAGE_SHA_KEY, NAME_KEY, isNullRef, targetSr } from './context';
import { newVmRecord } from './vm-record';
import type { Ref, VMRecord } from './xenapi/types';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const MiB = 1024 * 1024;

async function templates(ctx: XenContext): Promise<[Ref<'VM'>, VMRecord][]> {
  const all = await ctx.client.call('VM.get_all_records');
  return (Object.entries(all) as [Ref<'VM'>, VMRecord][]).filter(
    ([, r]) => r.is_a_template && !r.is_a_snapshot && r.other_config[IMAGE_KEY] === 'true',
  );
}

export async function findTemplate(ctx: XenContext, name: string, option: string): Promise<Ref<'VM'>> {
  const hits = (await templates(ctx)).filter(([, r]) => r.name_label === name);
  if (hits.length === 0)
    throw new InvalidArgument(
      `${option}: no published image named '${name}' in the pool (publish it with virtseal.core.image)`,
      option,
    );
  if (hits.length > 1) throw new Conflict(`${option}: ${hits.length} golden templates are named '${name}'`);
  return hits[0]![0];
}

/** The golden template's disk: its uuid is the image's `path`, which disks cloned from it record as their base. */
export async function templateDisk(
  ctx: XenContext,
  r: VMRecord,
): Promise<{ readonly ref: Ref<'VDI'>; readonly uuid: string; readonly bytes: number } | undefined> {
  for (const b of r.VBDs) {
    const vdi = await ctx.client.call('VBD.get_VDI', b);
    if (isNullRef(vdi)) continue;
    return {
      ref: vdi,
      uuid: await ctx.client.call('VDI.get_uuid', vdi),
      bytes: await ctx.client.call('VDI.get_physical_utilisation', vdi),
    };
  }
  return undefined;
}

async function infoOf(ctx: XenContext, r: VMRecord): Promise<ImageInfo> {
  const disk = await templateDisk(ctx, r);
  return {
    name: r.name_label,
    path: disk?.uuid ?? '',
    sha256: r.other_config[IMAGE_SHA_KEY] ?? '',
    sizeBytes: disk?.bytes ?? 0,
  };
}

export class XenImageDriver implements ImageDriver {
  constructor(private readonly ctx: XenContext) {}

  async listImages(): Promise<readonly ImageInfo[]> {
    return Promise.all((await templates(this.ctx)).map(([, r]) => infoOf(this.ctx, r)));
  }

  async findImage(options: { readonly name: string }): Promise<ImageInfo | undefined> {
    const hit = (await templates(this.ctx)).find(([, r]) => r.name_label === options.name);
    return hit ? infoOf(this.ctx, hit[1]) : undefined;
  }

  async publishImage(options: {
    readonly localPath: string;
    readonly name: string;
    readonly sha256?: string;
    readonly onProgress?: (p: PublishProgress) => void;
  }): Promise<PublishResult> {
    if (!NAME.test(options.name))
      throw new InvalidArgument(
        `name '${options.name.slice(0, 40)}' must be 1-100 letters, digits, '.', '_' or '-'`,
        'name',
      );
    const size = (
      await stat(options.localPath).catch(() => {
        throw new InvalidArgument(`src '${options.localPath}' cannot be read`, 'src');
      })
    ).size;
    const sha256 = (options.sha256 ?? (await sha256File(options.localPath))).toLowerCase();
    const existing = await this.findImage({ name: options.name });
    if (existing) {
      if (existing.sha256 === sha256) return { image: existing, skipped: true, resumedFromBytes: 0, sentBytes: 0 };
      throw new Conflict(
        `image '${options.name}' already exists with sha256 ${existing.sha256.slice(0, 12)}…; VMs cloned from it depend on it, so publish under a new name`,
      );
    }
    await this.importTemplate(
      options.name,
      createReadStream(options.localPath),
      size,
      async () => sha256,
      options.onProgress,
    );
    const image = await this.findImage({ name: options.name });
    return { image: image!, skipped: false, resumedFromBytes: 0, sentBytes: size };
  }

  /**
   * A raw image as it downloads, straight into `PUT /import_raw_vdi` (XAPI needs its length up front to size the VDI).
   * The caller's `verify` runs once the body has ended; a failure there, or a broken body, destroys the VDI, so no
   * template is ever made of a wrong image.
   */
  async publishImageStream(options: StreamPublishOptions): Promise<PublishResult> {
    if (!NAME.test(options.name))
      throw new InvalidArgument(
        `name '${options.name.slice(0, 40)}' must be 1-100 letters, digits, '.', '_' or '-'`,
        'name',
      );
    const size = options.sizeBytes;
    if (size === undefined)
      throw new InvalidArgument('src: the server sent no Content-Length; XAPI needs the size to stream', 'src');
    if (await this.findImage({ name: options.name })) {
      options.body.destroy();
      throw new Conflict(`image '${options.name}' already exists; publish the new file under another name`);
    }
    const sent = await this.importTemplate(options.name, options.body, size, options.verify, options.onProgress);
    const image = await this.findImage({ name: options.name });
    return { image: image!, skipped: false, resumedFromBytes: 0, sentBytes: sent };
  }

  /** A VDI filled from `body`, then (once `verify` gave its hash) the golden template holding it. */
  private async importTemplate(
    name: string,
    body: Readable,
    size: number,
    verify: () => Promise<string>,
    onProgress: ((p: PublishProgress) => void) | undefined,
  ): Promise<number> {
    let sent = 0;
    const c = this.ctx.client;
    const sr = await targetSr(this.ctx);
    const virtualSize = Math.max(MiB, Math.ceil(size / MiB) * MiB);
    const vdi = await c.call('VDI.create', {
      name_label: name,
      name_description: 'virtseal golden image',
      SR: sr,
      virtual_size: virtualSize,
      type: 'user',
      sharable: false,
      read_only: false,
      other_config: {},
    });
    let template: Ref<'VM'> | undefined;
    try {
      const task = await c.call('task.create', `virtseal import ${name}`, 'import_raw_vdi');
      try {
        // Counted from here: a 'data' listener makes the stream flow, so it is added only when put() reads it.
        body.on('data', (d: Buffer) => {
          sent += d.length;
          onProgress?.({ sentBytes: sent, totalBytes: size });
        });
        await c.put('/import_raw_vdi', { task_id: task, vdi, format: 'raw' }, body, size);
        await c.waitTask(task, 'import_raw_vdi');
      } finally {
        await c.call('task.destroy', task).catch(() => undefined);
      }
      const sha256 = (await verify()).toLowerCase();
      await c.call('VDI.add_to_other_config', vdi, IMAGE_SHA_KEY, sha256);
      const golden = 1024 * MiB;
      template = await c.call('VM.create', {
        ...newVmRecord(name, { staticMin: golden, staticMax: golden, dynamicMin: golden, dynamicMax: golden }),
        name_description: 'virtseal golden template',
        HVM_boot_params: { order: 'cn', firmware: 'uefi' },
        other_config: { [IMAGE_KEY]: 'true', [IMAGE_SHA_KEY]: sha256 },
      });
      await c.call('VBD.create', {
        VM: template,
        VDI: vdi,
        userdevice: '0',
        bootable: true,
        mode: 'RW',
        type: 'Disk',
        empty: false,
        other_config: { [NAME_KEY]: 'os' },
        qos_algorithm_type: '',
        qos_algorithm_params: {},
      });
      await c.call('VM.set_is_a_template', template, true);
    } catch (e) {
      if (template) await c.call('VM.destroy', template).catch(() => undefined);
      await c.call('VDI.destroy', vdi).catch(() => undefined);
      throw e;
    }
    return sent;
  }
}
