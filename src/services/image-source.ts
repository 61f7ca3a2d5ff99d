/**
 * Where an image comes from before it is published: a local file, or an http(s) URL downloaded with its checksum
 * verified; then its format is read, checked and converted to the one the hypervisor takes (VHDX for Hyper-V, qcow2
 * for libvirt, raw for Xen). All of this happens on the controller, before any host is touched, so a wrong checksum,
 * an unreachable URL or an unsupported format fails with nothing left in any host's library.
 */
import { homedir } from 'node:os';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InvalidArgument } from '../core/errors';
import { drivers, isHypervisorType } from '../drivers/registry';
import type { HypervisorType } from '../drivers/types';
import { type FetchProgress, fetchText, fetchToCache, isUrl, redact } from '../images/fetch';
import { checkImage, convertImage, type DiskFormat, imageInfo, SOURCE_FORMATS } from '../images/qemu-img';
import { sha256File } from '../transport/file-hash';

/** The format each hypervisor's library holds (its driver registry line says). */
export function libraryFormat(hypervisor: HypervisorType | string): DiskFormat {
  return isHypervisorType(hypervisor) ? drivers[hypervisor].libraryFormat : 'qcow2';
}

export interface ImageSourceRequest {
  readonly src: string;
  /** `sha256:<hex>` or `sha256:<URL of a SHA256SUMS file>`. */
  readonly checksum?: string;
  readonly sha256?: string;
  readonly validateCerts?: boolean;
  readonly hypervisor: HypervisorType | string;
  readonly cacheDir?: string;
  readonly onProgress?: (p: FetchProgress) => void;
}

export interface PreparedImage {
  /** The file to publish. */
  readonly path: string;
  /** SHA-256 of `path` when it was already computed on the way (so the file is not read again). */
  readonly sha256?: string;
  readonly source: {
    readonly url?: string;
    readonly format: string;
    readonly virtual_size_bytes: number;
    readonly downloaded_bytes?: number;
    readonly resumed_from_bytes?: number;
    readonly resume?: 'resumed' | 'restarted';
  };
  /** The conversion that ran, e.g. `qcow2 → vhdx (qemu-img convert)`; absent when the format already fit. */
  readonly conversion?: string;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VIRTSEAL_IMAGE_CACHE) return env.VIRTSEAL_IMAGE_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'virtseal', 'images');
}

/** Reads `sha256:<hex>` / `sha256:<url>`; any other algorithm is refused, naming the option. */
export function parseChecksum(text: string): { readonly hex: string } | { readonly url: string } {
  const m = /^([A-Za-z0-9]+):(.+)$/.exec(text.trim());
  if (!m)
    throw new InvalidArgument(
      `checksum must be 'sha256:<64 hex digits>' or 'sha256:<URL of a SHA256SUMS file>', got '${text.slice(0, 80)}'`,
      'checksum',
    );
  if (m[1]!.toLowerCase() !== 'sha256')
    throw new InvalidArgument(`checksum: only sha256 is supported, got ${m[1]}`, 'checksum');
  const value = m[2]!.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return { hex: value.toLowerCase() };
  if (isUrl(value)) return { url: value };
  throw new InvalidArgument(
    'checksum must be sha256:<64 hex digits> or sha256:<http(s) URL of a SHA256SUMS file>',
    'checksum',
  );
}

/** The hash a SHA256SUMS file gives for `file` (GNU `hex  name`, `hex *name`, or BSD `SHA256 (name) = hex`). */
export function findInSums(sums: string, file: string): string | undefined {
  for (const line of sums.split(/\r?\n/)) {
    const gnu = /^([0-9a-fA-F]{64}) [ *](?:\.\/)?(.+)$/.exec(line.trim());
    if (gnu && gnu[2] === file) return gnu[1]!.toLowerCase();
    const bsd = /^SHA256 \((?:\.\/)?(.+)\) = ([0-9a-fA-F]{64})$/.exec(line.trim());
    if (bsd && bsd[1] === file) return bsd[2]!.toLowerCase();
  }
  return undefined;
}

async function expectedSha256(
  request: ImageSourceRequest,
): Promise<{ readonly hex: string; readonly option: 'sha256' | 'checksum' } | undefined> {
  let fromChecksum: string | undefined;
  if (request.checksum !== undefined) {
    const parsed = parseChecksum(request.checksum);
    if ('hex' in parsed) {
      fromChecksum = parsed.hex;
    } else {
      const sums = await fetchText(parsed.url, {
        option: 'checksum',
        ...(request.validateCerts !== undefined && { validateCerts: request.validateCerts }),
      });
      const file = isUrl(request.src)
        ? decodeURIComponent(basename(new URL(request.src).pathname))
        : basename(request.src);
      fromChecksum = findInSums(sums, file);
      if (!fromChecksum)
        throw new InvalidArgument(`checksum: ${redact(parsed.url)} lists no SHA-256 for ${file}`, 'checksum');
    }
  }
  const given = request.sha256?.toLowerCase();
  if (given && fromChecksum && given !== fromChecksum)
    throw new InvalidArgument('sha256 and checksum name different hashes; give one', 'checksum');
  if (fromChecksum) return { hex: fromChecksum, option: 'checksum' };
  return given ? { hex: given, option: 'sha256' } : undefined;
}

export async function prepareImageSource(request: ImageSourceRequest): Promise<PreparedImage> {
  const url = isUrl(request.src) ? request.src : undefined;
  if (url && /^http:/i.test(url) && request.checksum === undefined && request.sha256 === undefined) {
    throw new InvalidArgument(
      'src: a plain http:// URL needs a checksum (sha256:<hex> or the URL of a SHA256SUMS file); or use https://',
      'checksum',
    );
  }
  const want = await expectedSha256(request);
  const expected = want?.hex;
  const cacheDir = request.cacheDir ?? defaultCacheDir();

  let path = request.src;
  let download: Awaited<ReturnType<typeof fetchToCache>> | undefined;
  if (url) {
    const cached = expected ? join(cacheDir, `${expected}.download`) : undefined;
    if (
      cached &&
      (await stat(cached).then(
        (s) => s.isFile(),
        () => false,
      ))
    ) {
      path = cached;
    } else {
      download = await fetchToCache({
        url,
        cacheDir,
        ...(request.validateCerts !== undefined && { validateCerts: request.validateCerts }),
        ...(request.onProgress && { onProgress: request.onProgress }),
      });
      if (expected && download.sha256 !== expected) {
        await rm(download.path, { force: true });
        throw new InvalidArgument(
          `${want!.option}: ${redact(url)} has SHA-256 ${download.sha256}, not the expected ${expected}; nothing was published`,
          want!.option,
        );
      }
      path = download.path;
    }
  } else {
    try {
      if (!(await stat(path)).isFile()) throw new Error('not a regular file');
    } catch (error) {
      throw new InvalidArgument(`cannot read image src ${path}: ${(error as Error).message}`, 'src');
    }
    if (want) {
      const actual = await sha256File(path);
      if (actual !== want.hex)
        throw new InvalidArgument(`src ${path} has SHA-256 ${actual}, not the expected ${want.hex}`, want.option);
    }
  }

  const info = await imageInfo(path);
  if (!(SOURCE_FORMATS as readonly string[]).includes(info.format)) {
    throw new InvalidArgument(
      `src: ${info.format} images are not supported; give qcow2, raw, vmdk, vhdx or vhd`,
      'src',
    );
  }
  if (info.backingFile !== undefined)
    throw new InvalidArgument('src: the image has a backing file; flatten it first (qemu-img convert)', 'src');
  // qemu-img calls anything it does not recognise raw: a raw disk is at least a sector and whole sectors long.
  if (info.format === 'raw' && (info.virtualSizeBytes < 1 << 20 || info.virtualSizeBytes % 512 !== 0)) {
    throw new InvalidArgument(
      `src: not a disk image (qemu-img sees ${info.virtualSizeBytes} bytes of raw data, not whole 512-byte sectors of at least 1 MiB)`,
      'src',
    );
  }
  await checkImage(path, info.format);

  const target = libraryFormat(request.hypervisor);
  const source = {
    ...(url !== undefined && { url: redact(url) }),
    format: info.format,
    virtual_size_bytes: info.virtualSizeBytes,
    ...(download && {
      downloaded_bytes: download.sizeBytes - download.resumedFromBytes,
      resumed_from_bytes: download.resumedFromBytes,
    }),
    ...(download?.resume !== undefined && { resume: download.resume }),
  };
  // Unconverted, the file published is the one whose hash is already known (verified, or hashed while downloading).
  const known = expected ?? download?.sha256;
  if (info.format === target) return { path, ...(known !== undefined && { sha256: known }), source };

  // Conversions are kept by source hash: a VHDX carries random ids, so converting again would give another file
  // (and another SHA-256) for the same image, and hosts that already hold it would see a different image.
  const sourceSha = expected ?? download?.sha256 ?? (await sha256File(path));
  const converted = join(cacheDir, `${sourceSha}.${target}`);
  if (
    !(await stat(converted).then(
      (s) => s.isFile(),
      () => false,
    ))
  ) {
    await mkdir(cacheDir, { recursive: true, mode: 0o700 });
    const partial = `${converted}.part`;
    try {
      await convertImage(path, info.format, partial, target);
      await checkImage(partial, target);
      await rename(partial, converted);
    } finally {
      await rm(partial, { force: true });
    }
  }
  return { path: converted, source, conversion: `${info.format} → ${target} (qemu-img convert)` };
}
