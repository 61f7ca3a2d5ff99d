/**
 * SFTP upload with many writes in flight (ssh2's write stream keeps only one), progress events, and resume: the
 * caller passes `startOffset` to continue a partial remote file. Chunks stay at 32 KiB, below the 100 KiB write limit
 * of old Windows OpenSSH builds.
 */
import { open as openLocal, stat as statLocal } from 'node:fs/promises';
import type { SFTPWrapper } from 'ssh2';
import { HostUnreachable } from '../core/errors';

export interface UploadOptions {
  readonly localPath: string;
  readonly remotePath: string;
  /** Continue a partial remote file from this byte (its bytes before are kept). Default 0 (truncate). */
  readonly startOffset?: number;
  /** Default 65,536 (DEFAULT_CHUNK). */
  readonly chunkBytes?: number;
  /** Writes in flight. Default 64. */
  readonly concurrency?: number;
  readonly onProgress?: (sentBytes: number, totalBytes: number) => void;
}

export interface UploadResult {
  readonly totalBytes: number;
  /** Bytes sent in this call (total minus the resumed offset). */
  readonly sentBytes: number;
}

export const DEFAULT_CHUNK = 65_536;
export const DEFAULT_CONCURRENCY = 64;

/** Bytes below this offset are known written even if the upload died with `concurrency` writes in flight. */
export function safeResumeOffset(
  remoteSize: number,
  localSize: number,
  chunkBytes = DEFAULT_CHUNK,
  concurrency = DEFAULT_CONCURRENCY,
): number {
  if (remoteSize > localSize) return 0;
  const safe = remoteSize - chunkBytes * concurrency;
  return safe > 0 ? Math.floor(safe / chunkBytes) * chunkBytes : 0;
}

export async function remoteSize(sftp: SFTPWrapper, path: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    sftp.stat(path, (error, stats) => {
      if (!error) return resolve(stats.size);
      if ((error as Error & { code?: number }).code === 2) return resolve(undefined);
      reject(error);
    });
  });
}

/**
 * ssh2 splits a write larger than its per-request limit into sequential requests (one round trip each). The limit is
 * 34,000 - 2,048 bytes unless the server is recognised as OpenSSH or announces limits@openssh.com (OpenSSH 8.6+);
 * Win32-OpenSSH's "OpenSSH_for_Windows_x.y" ident is not recognised, so on older builds a plain 32 KiB write would
 * cost two round trips.
 */
function effectiveChunk(sftp: SFTPWrapper, wanted: number): number {
  const limit = (sftp as unknown as { _maxWriteLen?: unknown })._maxWriteLen;
  return typeof limit === 'number' && limit > 0 ? Math.min(wanted, limit) : Math.min(wanted, 31_952);
}

export async function uploadFile(sftp: SFTPWrapper, options: UploadOptions): Promise<UploadResult> {
  const chunk = effectiveChunk(sftp, options.chunkBytes ?? DEFAULT_CHUNK);
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const start = options.startOffset ?? 0;
  const total = (await statLocal(options.localPath)).size;
  const local = await openLocal(options.localPath, 'r');
  let handle: Buffer | undefined;
  try {
    handle = await new Promise<Buffer>((resolve, reject) =>
      sftp.open(options.remotePath, start > 0 ? 'r+' : 'w', (e, h) => (e ? reject(e) : resolve(h))),
    );
    await pump(sftp, handle, local, { start, total, chunk, concurrency, onProgress: options.onProgress });
    const h = handle;
    handle = undefined;
    await new Promise<void>((resolve, reject) => sftp.close(h, (e) => (e ? reject(e) : resolve())));
    return { totalBytes: total, sentBytes: total - start };
  } catch (error) {
    if (handle) sftp.close(handle, () => undefined);
    throw new HostUnreachable(`upload of ${options.remotePath} was interrupted: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    await local.close();
  }
}

interface PumpOptions {
  readonly start: number;
  readonly total: number;
  readonly chunk: number;
  readonly concurrency: number;
  readonly onProgress: ((sent: number, total: number) => void) | undefined;
}

/** Local reads are 1 MiB blocks sliced into `chunk`-sized writes: few file-system calls, many writes in flight. */
const READ_BLOCK = 1 << 20;

async function pump(
  sftp: SFTPWrapper,
  handle: Buffer,
  local: import('node:fs/promises').FileHandle,
  o: PumpOptions,
): Promise<void> {
  let inFlight = 0;
  let acked = o.start;
  let failure: Error | undefined;
  const waiters: (() => void)[] = [];
  const slot = (): Promise<void> =>
    inFlight < o.concurrency || failure ? Promise.resolve() : new Promise((r) => waiters.push(r));
  const read = async (position: number): Promise<{ block: Buffer; bytesRead: number }> => {
    const block = Buffer.allocUnsafe(Math.min(READ_BLOCK, o.total - position));
    const { bytesRead } = await local.read(block, 0, block.length, position);
    return { block, bytesRead };
  };
  // The next block is read while the current one's writes go out.
  let next = o.start < o.total ? read(o.start) : undefined;
  for (let position = o.start; next && !failure; position += READ_BLOCK) {
    const { block, bytesRead } = await next;
    next = position + READ_BLOCK < o.total ? read(position + READ_BLOCK) : undefined;
    for (let offset = 0; offset < bytesRead && !failure; offset += o.chunk) {
      await slot();
      if (failure) break;
      const n = Math.min(o.chunk, bytesRead - offset);
      inFlight += 1;
      sftp.write(handle, block, offset, n, position + offset, (error) => {
        inFlight -= 1;
        if (error) failure ??= error;
        else {
          acked += n;
          o.onProgress?.(acked, o.total);
        }
        waiters.shift()?.();
      });
    }
  }
  await next?.catch(() => undefined);
  while (inFlight > 0) await new Promise<void>((r) => waiters.push(r));
  if (failure) throw failure;
}

export interface StreamUploadOptions {
  readonly body: AsyncIterable<Buffer> & { destroy?(error?: Error): void };
  readonly remotePath: string;
  /** Default 65,536 (DEFAULT_CHUNK). */
  readonly chunkBytes?: number;
  /** Writes in flight. Default 64. */
  readonly concurrency?: number;
  readonly onProgress?: (sentBytes: number) => void;
}

/**
 * Writes a stream to a new remote file (truncated first) with many writes in flight; the next chunk is pulled from
 * `body` only when a write slot is free, so a fast source never piles up in memory. Resolves with the bytes written.
 * A failed write destroys `body`; a failing `body` rejects with its own error (after the writes in flight settle).
 */
export async function uploadStream(sftp: SFTPWrapper, options: StreamUploadOptions): Promise<number> {
  const chunk = effectiveChunk(sftp, options.chunkBytes ?? DEFAULT_CHUNK);
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const handle = await new Promise<Buffer>((resolve, reject) =>
    sftp.open(options.remotePath, 'w', (e, h) => (e ? reject(e) : resolve(h))),
  );
  let inFlight = 0;
  let position = 0;
  let acked = 0;
  let failure: Error | undefined;
  const waiters: (() => void)[] = [];
  const slot = (): Promise<void> =>
    inFlight < concurrency || failure ? Promise.resolve() : new Promise((r) => waiters.push(r));
  let sourceError: unknown;
  try {
    for await (const block of options.body) {
      for (let offset = 0; offset < block.length && !failure; offset += chunk) {
        await slot();
        if (failure) break;
        const n = Math.min(chunk, block.length - offset);
        inFlight += 1;
        sftp.write(handle, block, offset, n, position + offset, (error) => {
          inFlight -= 1;
          if (error) failure ??= error;
          else {
            acked += n;
            options.onProgress?.(acked);
          }
          waiters.shift()?.();
        });
      }
      position += block.length;
      if (failure) break;
    }
  } catch (error) {
    sourceError = error;
  }
  while (inFlight > 0) await new Promise<void>((r) => waiters.push(r));
  if (sourceError !== undefined || failure) {
    sftp.close(handle, () => undefined);
    if (failure) options.body.destroy?.(failure);
    if (sourceError !== undefined) throw sourceError;
    throw new HostUnreachable(`upload of ${options.remotePath} was interrupted: ${failure!.message}`, {
      cause: failure,
    });
  }
  await new Promise<void>((resolve, reject) => sftp.close(handle, (e) => (e ? reject(e) : resolve())));
  return acked;
}
