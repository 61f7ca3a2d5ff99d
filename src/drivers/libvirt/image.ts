/**
 * Images: qcow2 files in `<pool>/images`, each with a `<name>.sha256` sidecar written at publish time (hashing a
 * large image on every listing would be slow). Publishing streams the file through the runner's stdin into
 * `dd` on the host, resumes a dropped upload from the partial file's size, verifies the hash, then renames.
 * An existing image is never replaced: a different file under its name is a Conflict (VMs' differencing disks are
 * built on it). An image whose local file has a `<file>.boot.json` sidecar ({kernel, initrd?, cmdline?}) is published with
 * its kernel and initrd, and VMs made from it boot them directly.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { dirname, posix, resolve } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { Conflict, InvalidArgument, NotFound, ScriptFailed } from '../../core/errors';
import { sha256File } from '../../transport/file-hash';
import { safeResumeOffset } from '../../transport/sftp-upload';
import type { ImageDriver, ImageInfo, ImageKind, PublishProgress, PublishResult, StreamPublishOptions } from '../types';
import { type LibvirtContext, checkFileName, imagesDir } from './context';

export class LibvirtImageDriver implements ImageDriver {
  constructor(private readonly ctx: LibvirtContext) {}

  async listImages(): Promise<readonly ImageInfo[]> {
    const dir = imagesDir(this.ctx);
    const r = await this.ctx.host.runner.run([
      'find',
      dir,
      '-maxdepth',
      '1',
      '-type',
      'f',
      '-name',
      '*.qcow2',
      '-printf',
      '%f\\t%s\\n',
    ]);
    if (r.code !== 0) return [];
    const out: ImageInfo[] = [];
    for (const line of r.stdout.split('\n').filter(Boolean)) {
      const [file, size] = line.split('\t') as [string, string];
      const name = file.slice(0, -'.qcow2'.length);
      out.push({ name, path: posix.join(dir, file), sizeBytes: Number(size), sha256: await this.sidecarHash(name) });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  async findImage(options: { readonly name: string; readonly kind?: ImageKind }): Promise<ImageInfo | undefined> {
    checkFileName(options.name, 'name');
    if (options.kind === 'iso') return this.findIso(options.name);
    return (await this.listImages()).find((i) => i.name === options.name);
  }

  /** An ISO in the images directory: `<name>.iso` with its `<name>.iso.sha256` sidecar. */
  private async findIso(name: string): Promise<ImageInfo | undefined> {
    const path = posix.join(imagesDir(this.ctx), `${name}.iso`);
    const size = await this.ctx.host.runner.run(['stat', '-c', '%s', '--', path]);
    if (size.code !== 0) return undefined;
    const sum = await this.ctx.host.runner.run(['cat', '--', `${path}.sha256`]);
    return { name, path, sizeBytes: Number(size.stdout.trim()), sha256: sum.code === 0 ? sum.stdout.trim() : '' };
  }

  async publishImage(options: {
    readonly localPath: string;
    readonly name: string;
    readonly kind?: ImageKind;
    readonly sha256?: string;
    readonly onProgress?: (progress: PublishProgress) => void;
  }): Promise<PublishResult> {
    const ctx = this.ctx;
    const name = checkFileName(options.name, 'name');
    const local = await stat(options.localPath).catch(() => undefined);
    if (!local?.isFile())
      throw new NotFound(`image file ${options.localPath} does not exist`, { details: { option: 'localPath' } });
    if (options.kind === 'iso') return this.publishIso(name, options, local.size);
    await checkQcow2(options.localPath);
    const sha256 = await sha256File(options.localPath);
    if (options.sha256 !== undefined && options.sha256.toLowerCase() !== sha256) {
      throw new InvalidArgument(
        `${options.localPath} has sha256 ${sha256}, not the expected ${options.sha256}`,
        'sha256',
      );
    }
    const dir = imagesDir(ctx);
    const target = posix.join(dir, `${name}.qcow2`);
    const existing = await this.findImage({ name });
    const boot = await readBootSidecar(options.localPath);
    if (existing?.sha256 === sha256) {
      // Kernel and initrd are small and may change without the disk: always refresh them.
      if (boot) await this.publishBootFiles(name, boot);
      return { image: existing, skipped: true, resumedFromBytes: 0, sentBytes: 0 };
    }
    if (existing) {
      throw new Conflict(
        `image ${name} already exists on the host with sha256 ${existing.sha256 || '(unknown)'}; publish the new file under another name`,
      );
    }
    await ctx.host.exec(['mkdir', '-p', '-m', '0755', '--', dir]);
    const partial = posix.join(dir, `.${name}.qcow2.partial`);
    // Resume only a partial upload of this very file (its hash is recorded beside it).
    const partialOf = await ctx.host.runner.run(['cat', '--', `${partial}.sha256`]);
    const partialSize = partialOf.code === 0 && partialOf.stdout.trim() === sha256 ? await remoteSize(ctx, partial) : 0;
    const resumedFrom = ctx.host.runner.upload
      ? safeResumeOffset(partialSize, local.size)
      : Math.min(partialSize, local.size);
    if (resumedFrom === 0) await this.writeSmall(`${partial}.sha256`, `${sha256}\n`);
    const sent = await upload(ctx, options.localPath, partial, resumedFrom, local.size, options.onProgress);
    const remoteHash = (await ctx.host.exec(['sha256sum', '--', partial], { timeoutMs: 600_000 })).split(/\s/)[0];
    if (remoteHash !== sha256) {
      await ctx.host.runner.run(['rm', '-f', '--', partial, `${partial}.sha256`]);
      throw new ScriptFailed(
        `the uploaded image's sha256 ${remoteHash} does not match ${sha256}; the partial file was removed, publish again`,
      );
    }
    if (boot) await this.publishBootFiles(name, boot);
    await ctx.host.exec(['mv', '-f', '--', partial, target]);
    await this.writeSmall(posix.join(dir, `${name}.sha256`), `${sha256}\n`);
    await ctx.host.runner.run(['rm', '-f', '--', `${partial}.sha256`]);
    return {
      image: { name, path: target, sha256, sizeBytes: local.size },
      skipped: false,
      resumedFromBytes: resumedFrom,
      sentBytes: sent,
    };
  }

  /**
   * A qcow2 as it downloads: written to the hidden partial file, verified by the caller once complete, checked on the
   * host (its SHA-256, and `qemu-img info`/`check` where the host has qemu-img), then renamed into the library. Any
   * failure removes the partial file.
   */
  async publishImageStream(options: StreamPublishOptions): Promise<PublishResult> {
    const ctx = this.ctx;
    const name = checkFileName(options.name, 'name');
    const dir = imagesDir(ctx);
    const target = posix.join(dir, `${name}.qcow2`);
    if (await this.findImage({ name })) {
      options.body.destroy();
      throw new Conflict(`image ${name} already exists on the host; publish the new file under another name`);
    }
    await ctx.host.exec(['mkdir', '-p', '-m', '0755', '--', dir]);
    const partial = posix.join(dir, `.${name}.qcow2.partial`);
    try {
      const sent = await uploadBody(ctx, options.body, partial, (bytes) =>
        options.onProgress?.({ sentBytes: bytes, totalBytes: options.sizeBytes ?? Math.max(bytes, 1) }),
      );
      const sha256 = await options.verify();
      const remoteHash = (await ctx.host.exec(['sha256sum', '--', partial], { timeoutMs: 600_000 })).split(/\s/)[0];
      if (remoteHash !== sha256)
        throw new ScriptFailed(
          `the uploaded image's sha256 ${remoteHash} does not match ${sha256}; nothing was published`,
        );
      const hostChecks = ['SHA-256 (host)', ...(await hostQemuImgCheck(ctx, partial))];
      await ctx.host.exec(['mv', '-f', '--', partial, target]);
      await this.writeSmall(posix.join(dir, `${name}.sha256`), `${sha256}\n`);
      return {
        image: { name, path: target, sha256, sizeBytes: sent },
        skipped: false,
        resumedFromBytes: 0,
        sentBytes: sent,
        hostChecks,
      };
    } catch (error) {
      await ctx.host.runner.run(['rm', '-f', '--', partial, `${partial}.sha256`]).catch(() => undefined);
      throw error;
    }
  }

  async removeImage(options: { readonly name: string; readonly kind: ImageKind }): Promise<boolean> {
    const name = checkFileName(options.name, 'name');
    const path = posix.join(imagesDir(this.ctx), options.kind === 'iso' ? `${name}.iso` : `${name}.qcow2`);
    const sidecar = options.kind === 'iso' ? `${path}.sha256` : posix.join(imagesDir(this.ctx), `${name}.sha256`);
    if ((await this.ctx.host.runner.run(['stat', '-c', '%s', '--', path])).code !== 0) return false;
    await this.ctx.host.exec(['rm', '-f', '--', path, sidecar]);
    return true;
  }

  /** Publishes an ISO (guest-agent media): verified like a disk image, never replaced under the same name. */
  private async publishIso(
    name: string,
    options: {
      readonly localPath: string;
      readonly sha256?: string;
      readonly onProgress?: (p: PublishProgress) => void;
    },
    size: number,
  ): Promise<PublishResult> {
    const ctx = this.ctx;
    const sha256 = await sha256File(options.localPath);
    if (options.sha256 !== undefined && options.sha256.toLowerCase() !== sha256) {
      throw new InvalidArgument(
        `${options.localPath} has sha256 ${sha256}, not the expected ${options.sha256}`,
        'sha256',
      );
    }
    const existing = await this.findIso(name);
    if (existing?.sha256 === sha256) return { image: existing, skipped: true, resumedFromBytes: 0, sentBytes: 0 };
    if (existing)
      throw new Conflict(
        `ISO ${name} already exists on the host with sha256 ${existing.sha256 || '(unknown)'}; publish the new file under another name`,
      );
    const dir = imagesDir(ctx);
    await ctx.host.exec(['mkdir', '-p', '-m', '0755', '--', dir]);
    const target = posix.join(dir, `${name}.iso`);
    const partial = posix.join(dir, `.${name}.iso.partial`);
    const sent = await upload(ctx, options.localPath, partial, 0, size, options.onProgress);
    const remoteHash = (await ctx.host.exec(['sha256sum', '--', partial], { timeoutMs: 600_000 })).split(/\s/)[0];
    if (remoteHash !== sha256) {
      await ctx.host.runner.run(['rm', '-f', '--', partial]);
      throw new ScriptFailed(
        `the uploaded ISO's sha256 ${remoteHash} does not match ${sha256}; the partial file was removed, publish again`,
      );
    }
    await ctx.host.exec(['mv', '-f', '--', partial, target]);
    await this.writeSmall(`${target}.sha256`, `${sha256}\n`);
    return {
      image: { name, path: target, sha256, sizeBytes: size },
      skipped: false,
      resumedFromBytes: 0,
      sentBytes: sent,
    };
  }

  private async publishBootFiles(name: string, boot: BootSidecar): Promise<void> {
    const dir = imagesDir(this.ctx);
    for (const [role, file] of Object.entries(boot.files)) {
      await upload(this.ctx, file, posix.join(dir, `${name}.${role}`), 0, (await stat(file)).size, undefined);
    }
    await this.writeSmall(posix.join(dir, `${name}.boot.json`), JSON.stringify(boot.remote(name)));
  }

  private async sidecarHash(name: string): Promise<string> {
    const r = await this.ctx.host.runner.run(['cat', '--', posix.join(imagesDir(this.ctx), `${name}.sha256`)]);
    return r.code === 0 ? r.stdout.trim() : '';
  }

  private async writeSmall(path: string, text: string): Promise<void> {
    await this.ctx.host.exec(['dd', `of=${path}`, 'status=none'], { stdin: text });
  }
}

async function upload(
  ctx: LibvirtContext,
  localPath: string,
  remotePath: string,
  from: number,
  total: number,
  onProgress: ((p: PublishProgress) => void) | undefined,
): Promise<number> {
  if (ctx.host.runner.upload) {
    const r = await ctx.host.runner.upload({
      localPath,
      remotePath,
      startOffset: from,
      ...(onProgress
        ? { onProgress: (sentSoFar: number) => onProgress({ sentBytes: sentSoFar, totalBytes: total }) }
        : {}),
    });
    return r.sentBytes;
  }
  const stream = createReadStream(localPath, { start: from });
  let sent = 0;
  stream.on('data', (chunk) => {
    sent += chunk.length;
    onProgress?.({ sentBytes: from + sent, totalBytes: total });
  });
  await ctx.host.exec(
    [
      'dd',
      `of=${remotePath}`,
      'bs=4M',
      'iflag=fullblock',
      'oflag=seek_bytes',
      `seek=${from}`,
      'conv=notrunc',
      'status=none',
    ],
    {
      stdin: stream,
      timeoutMs: 3_600_000,
    },
  );
  return sent;
}

/** Streams `body` into a new file on the host: over SFTP where the runner has it, else through `dd`'s stdin. */
async function uploadBody(
  ctx: LibvirtContext,
  body: Readable,
  remotePath: string,
  onProgress: (sentBytes: number) => void,
): Promise<number> {
  if (ctx.host.runner.uploadStream)
    return (await ctx.host.runner.uploadStream({ body, remotePath, onProgress })).sentBytes;
  // A broken body ends dd's input (so dd exits) and its error is thrown here, rather than leaving dd waiting.
  const input = new PassThrough();
  let sent = 0;
  let broken: unknown;
  body.on('data', (chunk: Buffer) => {
    sent += chunk.length;
    onProgress(sent);
  });
  body.on('end', () => input.end());
  body.on('error', (error) => {
    broken = error;
    input.end();
  });
  body.pipe(input, { end: false });
  await ctx.host.exec(['dd', `of=${remotePath}`, 'bs=4M', 'iflag=fullblock', 'status=none'], {
    stdin: input,
    timeoutMs: 3_600_000,
  });
  if (broken !== undefined) throw broken;
  return sent;
}

/** qemu-img on the host, where it is installed (it comes with QEMU): the image's format and its metadata. */
async function hostQemuImgCheck(ctx: LibvirtContext, path: string): Promise<string[]> {
  // Not installed: a remote shell answers 127, a local exec fails to start the program (ENOENT).
  const info = await ctx.host.runner
    .run(['qemu-img', 'info', '--output=json', '-f', 'qcow2', '--', path])
    .catch((error: Error) => {
      if (/ENOENT/.test(error.message)) return { code: 127, stdout: '', stderr: '' };
      throw error;
    });
  if (info.code === 127) return [];
  if (info.code !== 0)
    throw new InvalidArgument(
      `src: qemu-img on the host cannot read the image: ${info.stderr.trim().split('\n')[0]}`,
      'src',
    );
  const parsed = JSON.parse(info.stdout) as { format?: string; 'backing-filename'?: string };
  if (parsed['backing-filename'] !== undefined)
    throw new InvalidArgument('src: the image has a backing file; flatten it first (qemu-img convert)', 'src');
  const check = await ctx.host.runner.run(['qemu-img', 'check', '-f', 'qcow2', '--', path], { timeoutMs: 3_600_000 });
  if (check.code !== 0) {
    const why = (check.stdout + check.stderr).trim().split('\n').filter(Boolean).slice(-1)[0] ?? `exit ${check.code}`;
    throw new InvalidArgument(`src: qemu-img check on the host finds the qcow2 image damaged: ${why}`, 'src');
  }
  return ['qemu-img info (host)', 'qemu-img check (host)'];
}

async function remoteSize(ctx: LibvirtContext, path: string): Promise<number> {
  const r = await ctx.host.runner.run(['stat', '-c', '%s', '--', path]);
  return r.code === 0 ? Number(r.stdout.trim()) : 0;
}

async function checkQcow2(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    if (!head.equals(Buffer.from([0x51, 0x46, 0x49, 0xfb])))
      throw new InvalidArgument(
        `${path} is not a qcow2 image (convert it with qemu-img convert -O qcow2)`,
        'localPath',
      );
  } finally {
    await fh.close();
  }
}

interface BootSidecar {
  readonly files: Record<string, string>;
  remote(name: string): object;
}

async function readBootSidecar(localPath: string): Promise<BootSidecar | undefined> {
  const text = await readFile(`${localPath}.boot.json`, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const boot = JSON.parse(text) as { kernel?: string; initrd?: string; cmdline?: string };
  if (typeof boot.kernel !== 'string') throw new InvalidArgument(`${localPath}.boot.json names no kernel`, 'localPath');
  const base = dirname(localPath);
  const files: Record<string, string> = { vmlinuz: resolve(base, boot.kernel) };
  if (typeof boot.initrd === 'string') files.initrd = resolve(base, boot.initrd);
  return {
    files,
    remote: (name) => ({
      kernel: `${name}.vmlinuz`,
      ...(files.initrd ? { initrd: `${name}.initrd` } : {}),
      ...(typeof boot.cmdline === 'string' ? { cmdline: boot.cmdline } : {}),
    }),
  };
}
