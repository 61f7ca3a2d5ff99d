/**
 * Golden images in the host library: publish over SFTP with SHA256 verification on the host, resume of a partial
 * upload after a dropped connection, and no transfer when the same hash is already there. A different file under an
 * existing name is refused: differencing disks of existing VMs depend on it.
 */
import { stat } from 'node:fs/promises';
import { Conflict, HostUnreachable, InvalidArgument, VirtsealError } from '../../core/errors';
import { sha256File } from '../../transport/file-hash';
import { remoteSize, safeResumeOffset, uploadFile, uploadStream } from '../../transport/sftp-upload';
import type { ImageDriver, ImageInfo, ImageKind, PublishProgress, PublishResult, StreamPublishOptions } from '../types';
import { sftpPath, winJoin, type HyperVSession } from './session';
import { checkImageName } from './validate';
import { imageFile } from './vm';

interface FindResult {
  readonly final: { readonly sizeBytes: number; readonly sha256: string } | null;
  readonly partialBytes: number;
}

/** Host-side hashing reads the whole file: allow the default script time plus 20 MB/s for it. */
function hashTimeoutMs(session: HyperVSession, bytes: number): number {
  return session.settings.scriptTimeoutMs + Math.ceil(bytes / (20 * 1024 * 1024)) * 1000;
}

/** The library file of an image: `<name>.vhdx` for a disk, `<name>.iso` for media. */
function libraryFile(name: string, kind: ImageKind | undefined): string {
  return kind === 'iso' ? `${name}.iso` : imageFile(name);
}

export interface PublishOptions {
  readonly localPath: string;
  readonly name: string;
  readonly kind?: ImageKind;
  readonly sha256?: string;
  readonly onProgress?: (progress: PublishProgress) => void;
}

export class HyperVImageDriver implements ImageDriver {
  /** Reconnect-and-resume attempts after a dropped connection. */
  maxResumes = 5;

  constructor(private readonly session: HyperVSession) {}

  private get library(): string {
    return this.session.settings.imageLibraryPath;
  }

  async listImages(): Promise<readonly ImageInfo[]> {
    const r = await this.session.run<{ images: { file: string; path: string; sizeBytes: number; sha256: string }[] }>(
      'image-list',
      {
        Folder: this.library,
      },
    );
    return r.images.map((i) => ({
      name: i.file.replace(/\.vhdx?$/i, ''),
      path: i.path,
      sha256: i.sha256,
      sizeBytes: i.sizeBytes,
    }));
  }

  async findImage(options: { readonly name: string; readonly kind?: ImageKind }): Promise<ImageInfo | undefined> {
    checkImageName(options.name, 'name');
    const path = winJoin(this.library, libraryFile(options.name, options.kind));
    const r = await this.session.run<FindResult>('image-find', {
      Path: path,
      PartialPath: `${path}.partial`,
      Hash: true,
    });
    return r.final ? { name: options.name, path, sha256: r.final.sha256, sizeBytes: r.final.sizeBytes } : undefined;
  }

  async publishImage(options: PublishOptions): Promise<PublishResult> {
    checkImageName(options.name, 'name');
    if (options.sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(options.sha256)) {
      throw new InvalidArgument('sha256 must be 64 hex digits', 'sha256');
    }
    const localSize = (
      await stat(options.localPath).catch((e: Error) => {
        throw new InvalidArgument(`image file ${options.localPath} cannot be read: ${e.message}`, 'localPath');
      })
    ).size;
    const path = winJoin(this.library, libraryFile(options.name, options.kind));
    const partial = `${path}.partial`;
    const found = await this.session.run<FindResult>(
      'image-find',
      { Path: path, PartialPath: partial, Hash: true },
      { timeoutMs: hashTimeoutMs(this.session, localSize) },
    );
    let expected = options.sha256?.toLowerCase();
    if (found.final) {
      expected ??= await sha256File(options.localPath);
      const image = { name: options.name, path, sha256: found.final.sha256, sizeBytes: found.final.sizeBytes };
      if (found.final.sha256 === expected) return { image, skipped: true, resumedFromBytes: 0, sentBytes: 0 };
      throw new Conflict(
        `image ${options.name} already exists on the host with SHA256 ${found.final.sha256}; publish the new file under another name`,
      );
    }
    // Hash while uploading: both read the same file, so the second read comes from the page cache.
    const hashing = expected ? Promise.resolve(expected) : sha256File(options.localPath);
    const start = found.partialBytes > 0 ? safeResumeOffset(found.partialBytes, localSize) : 0;
    let sent = await this.upload(options, partial, localSize, start);
    const sha256 = await hashing;
    try {
      const committed = await this.commit(partial, path, sha256, localSize);
      return {
        image: { name: options.name, path, sha256: committed.sha256, sizeBytes: committed.sizeBytes },
        skipped: false,
        resumedFromBytes: start,
        sentBytes: sent,
      };
    } catch (error) {
      // A stale partial from another file: the host removed it; send everything once more.
      if (!(error instanceof VirtsealError && error.reason === 'checksum_mismatch' && start > 0)) throw error;
      sent += await this.upload(options, partial, localSize, 0);
      const committed = await this.commit(partial, path, sha256, localSize);
      return {
        image: { name: options.name, path, sha256: committed.sha256, sizeBytes: committed.sizeBytes },
        skipped: false,
        resumedFromBytes: start,
        sentBytes: sent,
      };
    }
  }

  /**
   * A VHDX as it downloads: SFTP-written to `<image>.partial`, verified by the caller once complete, then checked
   * again by the host's own SHA-256 (image-commit) and moved into place. Any failure removes the partial file.
   */
  async publishImageStream(options: StreamPublishOptions): Promise<PublishResult> {
    checkImageName(options.name, 'name');
    const path = winJoin(this.library, libraryFile(options.name, 'disk'));
    const partial = `${path}.partial`;
    const found = await this.session.run<FindResult>('image-find', { Path: path, PartialPath: partial, Hash: false });
    if (found.final) {
      options.body.destroy();
      throw new Conflict(`image ${options.name} already exists on the host; publish the new file under another name`);
    }
    const sftp = await this.session.connection.sftp();
    try {
      const sent = await uploadStream(sftp, {
        body: options.body,
        remotePath: sftpPath(partial),
        onProgress: (bytes) =>
          options.onProgress?.({ sentBytes: bytes, totalBytes: options.sizeBytes ?? Math.max(bytes, 1) }),
      });
      const sha256 = await options.verify();
      const committed = await this.commit(partial, path, sha256, sent);
      return {
        image: { name: options.name, path, sha256: committed.sha256, sizeBytes: committed.sizeBytes },
        skipped: false,
        resumedFromBytes: 0,
        sentBytes: sent,
        hostChecks: ['SHA-256 (host)'],
      };
    } catch (error) {
      await this.removePartial(partial);
      throw error;
    }
  }

  async removeImage(options: { readonly name: string; readonly kind: ImageKind }): Promise<boolean> {
    checkImageName(options.name, 'name');
    const path = winJoin(this.library, libraryFile(options.name, options.kind));
    const sftp = await this.session.connection.sftp();
    if ((await remoteSize(sftp, sftpPath(path))) === undefined) return false;
    for (const file of [path, `${path}.sha256`]) {
      await new Promise<void>((resolve, reject) =>
        sftp.unlink(sftpPath(file), (error) =>
          !error || (error as Error & { code?: number }).code === 2 ? resolve() : reject(error),
        ),
      );
    }
    return true;
  }

  /** Best effort: the connection that broke the upload may be the one needed to clean up, so it is opened anew. */
  private async removePartial(partial: string): Promise<void> {
    const remote = sftpPath(partial);
    try {
      const sftp = await this.session.connection.sftp();
      await new Promise<void>((resolve) => sftp.unlink(remote, () => resolve()));
    } catch {
      // Nothing more to do here; image-find reports a leftover partial, and the next upload truncates it.
    }
  }

  private commit(
    partial: string,
    path: string,
    sha256: string,
    size: number,
  ): Promise<{ sizeBytes: number; sha256: string }> {
    return this.session.run(
      'image-commit',
      { PartialPath: partial, Path: path, Sha256: sha256 },
      { timeoutMs: hashTimeoutMs(this.session, size) },
    );
  }

  /** Uploads from `start`, reconnecting and resuming from the host's partial size when the connection drops. */
  private async upload(options: PublishOptions, partial: string, total: number, start: number): Promise<number> {
    const remote = sftpPath(partial);
    let offset = start;
    let sent = 0;
    for (let attempt = 0; ; attempt += 1) {
      try {
        const sftp = await this.session.connection.sftp();
        const r = await uploadFile(sftp, {
          localPath: options.localPath,
          remotePath: remote,
          startOffset: offset,
          onProgress: (bytes) => options.onProgress?.({ sentBytes: bytes, totalBytes: total }),
        });
        return sent + r.sentBytes;
      } catch (error) {
        if (!(error instanceof HostUnreachable) || attempt >= this.maxResumes) throw error;
        const sftp = await this.session.connection.sftp();
        const size = (await remoteSize(sftp, remote)) ?? 0;
        const next = safeResumeOffset(size, total);
        sent += Math.max(0, size - offset);
        offset = next;
      }
    }
  }
}
