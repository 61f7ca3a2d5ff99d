/**
 * Publish a golden image to one or more hosts: hash the local file once, skip hosts that already hold the same hash,
 * upload to the others (the driver verifies and resumes), and report per-host progress milestones. A different file
 * under a name a host already holds is refused before anything is sent to any host: the differencing disks of that
 * host's VMs are built on the image file, so replacing it would corrupt them.
 */
import { open, stat } from 'node:fs/promises';
import { Conflict, InvalidArgument } from '../core/errors';
import type { ImageKind } from '../drivers/types';
import { sha256File } from '../transport/file-hash';
import { type PreparedImage, prepareImageSource } from './image-source';
import { streamImage } from './image-stream';
import { withOptionNames } from './option-names';
import type { Session } from './session';

export interface ImageRequest {
  readonly name: string;
  /** A path on the controller, or an http(s) URL. */
  readonly src: string;
  readonly sha256?: string;
  /** `sha256:<hex>` or `sha256:<URL of a SHA256SUMS file>`. */
  readonly checksum?: string;
  readonly validateCerts?: boolean;
  /** Where downloads and conversions are kept (default ~/.cache/virtseal/images). */
  readonly cacheDir?: string;
  /** disk (default): a golden disk; iso: an ISO such as the guest-agent media, for guest_config's media option. */
  readonly kind?: ImageKind;
  /** Stream a URL already in the library's format straight to a single host (default true). */
  readonly stream?: boolean;
}

/** ISO 9660: the primary volume descriptor's `CD001` at byte 32769. */
async function isIso9660(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const id = Buffer.alloc(5);
    await fh.read(id, 0, 5, 32769);
    return id.toString('latin1') === 'CD001';
  } finally {
    await fh.close();
  }
}

/** An ISO is published as it is: a local file, checked to be ISO 9660, never converted. */
async function prepareIso(request: ImageRequest): Promise<PreparedImage> {
  if (/^https?:\/\//i.test(request.src)) throw new InvalidArgument('kind: iso takes a local src, not a URL', 'src');
  let size: number;
  try {
    const info = await stat(request.src);
    if (!info.isFile()) throw new Error('not a regular file');
    size = info.size;
  } catch (error) {
    throw new InvalidArgument(`cannot read image src ${request.src}: ${(error as Error).message}`, 'src');
  }
  if (!(await isIso9660(request.src)))
    throw new InvalidArgument(`src ${request.src} is not an ISO 9660 image (kind: iso)`, 'src');
  const isoSource = {
    format: 'iso',
    virtual_size_bytes: size,
    transfer: 'staged' as const,
    checks: ['ISO 9660 signature (controller)'],
  };
  if (request.sha256) {
    const actual = await sha256File(request.src);
    if (request.sha256.toLowerCase() !== actual) {
      throw new InvalidArgument(
        `src ${request.src} has SHA-256 ${actual}, not the expected ${request.sha256.toLowerCase()}`,
        'sha256',
      );
    }
    return {
      path: request.src,
      sha256: actual,
      source: { ...isoSource, checks: ['SHA-256 (controller)', ...isoSource.checks] },
    };
  }
  return { path: request.src, source: isoSource };
}

/** Bytes sent to one host so far (for a live progress display; the result keeps the 25 % milestones). */
export type PublishBytesListener = (host: string, sentBytes: number, totalBytes: number) => void;

export interface HostPublishView {
  readonly host: string;
  readonly path: string;
  readonly skipped: boolean;
  readonly resumed_from_bytes: number;
  readonly sent_bytes: number;
  /** Percentages reached, in 25 % steps. */
  readonly progress: readonly number[];
}

export interface ImageResult {
  readonly changed: boolean;
  readonly image: {
    readonly name: string;
    readonly kind: ImageKind;
    readonly sha256: string;
    readonly size_bytes: number;
  };
  readonly hosts: readonly HostPublishView[];
  readonly changes: readonly string[];
  readonly msg: string;
  /** Where the image came from: its format and size, and for a URL what was downloaded. */
  readonly source: PreparedImage['source'];
  /** The conversion that ran, when the source was not already in the library's format. */
  readonly conversion?: string;
  /** Download progress milestones in 25 % steps (a URL source only). */
  readonly download_progress?: readonly number[];
}

export async function publishImage(
  targets: readonly { readonly host: string; readonly session: Session }[],
  request: ImageRequest,
  onBytes?: PublishBytesListener,
): Promise<ImageResult> {
  const hypervisor = targets[0]?.session.hv.type ?? 'hyperv';
  const kind = request.kind ?? 'disk';
  const what = kind === 'iso' ? 'ISO' : 'image';
  const downloadProgress: number[] = [];
  const streamed = kind === 'disk' ? await streamImage(targets, request, onBytes) : undefined;
  if (streamed && 'result' in streamed) return streamed.result;
  const prepared =
    kind === 'iso'
      ? await prepareIso(request)
      : await prepareImageSource({
          src: request.src,
          hypervisor,
          ...(request.checksum !== undefined && { checksum: request.checksum }),
          ...(request.sha256 !== undefined && { sha256: request.sha256 }),
          ...(request.validateCerts !== undefined && { validateCerts: request.validateCerts }),
          ...(request.cacheDir !== undefined && { cacheDir: request.cacheDir }),
          ...(streamed?.opened && { opened: streamed.opened }),
          onProgress: ({ receivedBytes, totalBytes }) => {
            const percent = totalBytes ? Math.floor((receivedBytes / totalBytes) * 4) * 25 : 0;
            if (totalBytes && downloadProgress[downloadProgress.length - 1] !== percent) downloadProgress.push(percent);
          },
        });
  const file = prepared.path;
  const size = (await stat(file)).size;
  const actual = prepared.sha256 ?? (await sha256File(file));

  const found = [];
  for (const target of targets) {
    const existing = await target.session.hv.images.findImage({ name: request.name, kind });
    if (existing && existing.sha256.toLowerCase() !== actual) {
      throw new Conflict(
        `${what} '${request.name}' already exists on ${target.host} with SHA-256 ${existing.sha256 || '(unknown)'}; publish the new file under another name`,
        { details: { option: 'name' } },
      );
    }
    found.push({ ...target, existing });
  }

  const hosts: HostPublishView[] = [];
  const changes: string[] = [];
  for (const { host, session, existing } of found) {
    if (existing) {
      hosts.push({ host, path: existing.path, skipped: true, resumed_from_bytes: 0, sent_bytes: 0, progress: [100] });
      continue;
    }
    const progress: number[] = [];
    const result = await withOptionNames(
      (field) => (field === 'localPath' ? 'src' : field),
      () =>
        session.hv.images.publishImage({
          localPath: file,
          name: request.name,
          kind,
          sha256: actual,
          onProgress: ({ sentBytes, totalBytes }) => {
            onBytes?.(host, sentBytes, totalBytes);
            const percent = totalBytes > 0 ? Math.floor((sentBytes / totalBytes) * 4) * 25 : 100;
            if (progress[progress.length - 1] !== percent) progress.push(percent);
          },
        }),
    );
    if (progress[progress.length - 1] !== 100) progress.push(100);
    hosts.push({
      host,
      path: result.image.path,
      skipped: result.skipped,
      resumed_from_bytes: result.resumedFromBytes,
      sent_bytes: result.sentBytes,
      progress,
    });
    changes.push(...session.hv.changes.map((c) => `${host}: ${c}`));
  }
  const sent = hosts.filter((h) => !h.skipped).map((h) => h.host);
  return {
    changed: changes.length > 0,
    image: { name: request.name, kind, sha256: actual, size_bytes: size },
    hosts,
    changes,
    source: prepared.source,
    ...(prepared.conversion !== undefined && { conversion: prepared.conversion }),
    ...(downloadProgress.length > 0 && { download_progress: downloadProgress }),
    msg: sent.length
      ? `${what} '${request.name}' published to ${sent.join(', ')}`
      : `${what} '${request.name}' is already on ${hosts.map((h) => h.host).join(', ')}`,
  };
}
