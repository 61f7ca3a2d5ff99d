/**
 * A URL image already in the host library's format (qcow2 for libvirt, VHDX for Hyper-V, raw for Xen) goes to the
 * host as it arrives, never staged on the controller: the HTTP body runs through SHA-256 into the driver's upload
 * (SFTP to the Hyper-V or libvirt host, `PUT /import_raw_vdi` for Xen), and the driver publishes only after the hash
 * matched; any failure removes the partial upload. The header is read from the first bytes on the controller (format,
 * virtual size, no backing file; VHDX region table CRC); qemu-img checks a qcow2 on a libvirt host that has it.
 * Anything else (a conversion, several hosts, a resume, check mode) takes the staged path.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline, Transform } from 'node:stream';
import { Conflict, InvalidArgument } from '../core/errors';
import { type OpenedDownload, isUrl, openDownload, partPath, peekDownload, redact } from '../images/fetch';
import { type ImageHeader, readImageHeader } from '../images/header';
import type { ImageRequest, ImageResult, PublishBytesListener } from './image';
import { checkPlainHttp, defaultCacheDir, expectedSha256, libraryFormat } from './image-source';
import type { Session } from './session';

/** A VHDX's metadata lies within its first few MiB; more than this held in memory means: stage instead. */
const HEADER_CAP_BYTES = 16 << 20;

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Milestones in 25 % steps, as the staged path reports them. */
function milestones(into: number[]): (done: number, total: number | undefined) => void {
  return (done, total) => {
    if (!total) return;
    const percent = Math.min(100, Math.floor((done / total) * 4) * 25);
    if (into[into.length - 1] !== percent) into.push(percent);
  };
}

function checkHeader(header: ImageHeader, lengthBytes: number | undefined): string | undefined {
  if (header.damaged) return `src: the ${header.format} image is damaged: ${header.damaged}`;
  if (header.hasBacking) return 'src: the image has a backing file; flatten it first (qemu-img convert)';
  if (header.format === 'raw' && lengthBytes !== undefined && (lengthBytes < 1 << 20 || lengthBytes % 512 !== 0))
    return `src: not a disk image (${lengthBytes} bytes of raw data, not whole 512-byte sectors of at least 1 MiB)`;
  return undefined;
}

export type StreamOutcome =
  | { readonly result: ImageResult }
  /** Staging is needed; `opened` is the download already under way, to be written to the cache. */
  | { readonly staged: true; readonly opened?: OpenedDownload };

/** Streams the image when it can; otherwise says so, handing over a download it already opened. */
export async function streamImage(
  targets: readonly { readonly host: string; readonly session: Session }[],
  request: ImageRequest,
  onBytes?: PublishBytesListener,
): Promise<StreamOutcome> {
  const target = targets[0];
  const staged = { staged: true } as const;
  if (request.stream === false || targets.length !== 1 || !target || (request.kind ?? 'disk') !== 'disk') return staged;
  const { host, session } = target;
  const driver = session.hv.images;
  // Check mode's recording driver offers no stream (it starts no download): the staged path reports the publish.
  if (!driver.publishImageStream || !isUrl(request.src)) return staged;
  checkPlainHttp(request);
  const want = await expectedSha256({ ...request, hypervisor: session.hv.type });
  const cacheDir = request.cacheDir ?? defaultCacheDir();
  // A staged download of this very file, whole or interrupted, is used (or resumed) where it is.
  if (want && (await exists(join(cacheDir, `${want.hex}.download`)))) return staged;
  if (await exists(partPath(cacheDir, request.src))) return staged;

  const existing = await driver.findImage({ name: request.name, kind: 'disk' });
  if (existing && want) {
    if (existing.sha256.toLowerCase() !== want.hex)
      throw new Conflict(
        `image '${request.name}' already exists on ${host} with SHA-256 ${existing.sha256 || '(unknown)'}; publish the new file under another name`,
        { details: { option: 'name' } },
      );
    return {
      result: {
        changed: false,
        image: { name: request.name, kind: 'disk', sha256: want.hex, size_bytes: existing.sizeBytes },
        hosts: [{ host, path: existing.path, skipped: true, resumed_from_bytes: 0, sent_bytes: 0, progress: [100] }],
        changes: [],
        source: { url: redact(request.src), format: libraryFormat(session.hv.type), transfer: 'none', checks: [] },
        msg: `image '${request.name}' is already on ${host}`,
      },
    };
  }
  // Without a known hash, whether the image there is the same can only be told from a staged file.
  if (existing) return staged;

  const url = request.src;
  const opened = await openDownload({
    url,
    cacheDir,
    ...(request.validateCerts !== undefined && { validateCerts: request.validateCerts }),
  });
  const peeked = await peekDownload(
    opened,
    (head) => {
      const r = readImageHeader(head);
      return 'needBytes' in r ? r.needBytes : 0;
    },
    HEADER_CAP_BYTES,
  );
  const read = readImageHeader(peeked.head);
  const format = libraryFormat(session.hv.type);
  if ('needBytes' in read || read.header.format !== format) return { staged: true, opened: peeked.opened };
  const header = read.header;
  const length = opened.lengthBytes;
  // XAPI sizes the VDI before the bytes arrive; without a length, a raw image is staged.
  if (header.format === 'raw' && length === undefined) return { staged: true, opened: peeked.opened };
  const refused = checkHeader(header, length);
  if (refused) {
    peeked.opened.body.destroy();
    throw new InvalidArgument(refused, 'src');
  }

  const hash = createHash('sha256');
  const downloadProgress: number[] = [];
  const downloadMark = milestones(downloadProgress);
  let received = 0;
  let broken: Error | undefined;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      received += chunk.length;
      downloadMark(received, length);
      done(null, chunk);
    },
  });
  const body = pipeline(peeked.opened.body, hashing, (error) => {
    if (error) broken ??= error;
  });
  const verify = async (): Promise<string> => {
    if (length !== undefined && received !== length)
      throw new InvalidArgument(
        `src: download of ${redact(url)} ended after ${received} of ${length} bytes; nothing was published, run again`,
        'src',
      );
    const actual = hash.digest('hex');
    if (want && actual !== want.hex)
      throw new InvalidArgument(
        `${want.option}: ${redact(url)} has SHA-256 ${actual}, not the expected ${want.hex}; nothing was published`,
        want.option,
      );
    return actual;
  };
  const progress: number[] = [];
  const uploadMark = milestones(progress);
  let published: Awaited<ReturnType<NonNullable<typeof driver.publishImageStream>>>;
  try {
    published = await driver.publishImageStream({
      name: request.name,
      body,
      ...(length !== undefined && { sizeBytes: length }),
      verify,
      onProgress: ({ sentBytes }) => {
        if (length !== undefined) onBytes?.(host, sentBytes, length);
        uploadMark(sentBytes, length);
      },
    });
  } catch (error) {
    if (broken && !(error instanceof InvalidArgument))
      throw new InvalidArgument(
        `src: download of ${redact(url)} was interrupted after ${received} bytes (${broken.message}); nothing was published, run again to download it anew`,
        'src',
      );
    throw error;
  }
  if (progress[progress.length - 1] !== 100) progress.push(100);
  if (downloadProgress[downloadProgress.length - 1] !== 100) downloadProgress.push(100);
  return {
    result: {
      changed: true,
      image: { name: request.name, kind: 'disk', sha256: published.image.sha256, size_bytes: received },
      hosts: [
        {
          host,
          path: published.image.path,
          skipped: false,
          resumed_from_bytes: 0,
          sent_bytes: published.sentBytes,
          progress,
        },
      ],
      changes: session.hv.changes.map((c) => `${host}: ${c}`),
      source: {
        url: redact(url),
        format: header.format,
        virtual_size_bytes: header.virtualSizeBytes ?? received,
        downloaded_bytes: received,
        resumed_from_bytes: 0,
        transfer: 'streamed',
        checks: [
          ...(want ? ['SHA-256 (controller, while streaming)'] : []),
          `${header.format} header (controller)`,
          ...(published.hostChecks ?? []),
        ],
      },
      download_progress: downloadProgress,
      msg: `image '${request.name}' published to ${host} as it downloaded`,
    },
  };
}
