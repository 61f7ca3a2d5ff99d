/**
 * Downloading an image for `virtseal.core.image`: HTTP(S) with redirects, a stall timeout, resume by `Range` into a
 * `.part` file, and SHA-256 computed while the bytes arrive. The cache directory is owner-only; a download is renamed
 * into place only once its hash is known, so a half-written file is never mistaken for a whole one.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidArgument } from '../core/errors';

export interface FetchProgress {
  readonly receivedBytes: number;
  /** Unknown when the server sends no length. */
  readonly totalBytes?: number;
}

export interface FetchOptions {
  readonly url: string;
  /** Owner-only directory for downloads (created 0700). */
  readonly cacheDir: string;
  readonly validateCerts?: boolean;
  /** Give up when no byte arrives for this long. Default 60 s. */
  readonly stallTimeoutMs?: number;
  readonly onProgress?: (p: FetchProgress) => void;
  /** The option the URL came from, for messages. Default `src`. */
  readonly option?: string;
}

export interface Fetched {
  readonly path: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  /** Bytes that were already in the cache from an interrupted download. */
  readonly resumedFromBytes: number;
  /** How a previous partial download was used: 'resumed', or 'restarted' when the server ignored the range. */
  readonly resume?: 'resumed' | 'restarted';
}

const MAX_REDIRECTS = 5;

export function isUrl(src: string): boolean {
  return /^https?:\/\//i.test(src);
}

/** Opens a GET (optionally from `offset`), following redirects; resolves with the final response. */
function get(url: string, options: FetchOptions, offset = 0, hops = 0): Promise<IncomingMessage> {
  const option = options.option ?? 'src';
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : undefined;
    if (!send)
      return reject(
        new InvalidArgument(`${option}: only http:// and https:// URLs are supported, got ${target.protocol}`, option),
      );
    const req = send(target, {
      method: 'GET',
      headers: { 'user-agent': 'virtseal', accept: '*/*', ...(offset > 0 ? { range: `bytes=${offset}-` } : {}) },
      ...(target.protocol === 'https:' ? { rejectUnauthorized: options.validateCerts ?? true } : {}),
      timeout: options.stallTimeoutMs ?? 60_000,
    });
    req.on('timeout', () =>
      req.destroy(new Error(`no answer within ${Math.round((options.stallTimeoutMs ?? 60_000) / 1000)} s`)),
    );
    req.on('error', (error) =>
      reject(new InvalidArgument(`${option}: cannot download ${redact(url)}: ${error.message}`, option)),
    );
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (hops >= MAX_REDIRECTS)
          return reject(
            new InvalidArgument(`${option}: more than ${MAX_REDIRECTS} redirects from ${redact(url)}`, option),
          );
        const next = new URL(res.headers.location, target).toString();
        if (target.protocol === 'https:' && next.startsWith('http:')) {
          return reject(
            new InvalidArgument(`${option}: ${redact(url)} redirects from https to plain http; refused`, option),
          );
        }
        return get(next, options, offset, hops + 1).then(resolve, reject);
      }
      if (status !== 200 && status !== 206) {
        res.resume();
        return reject(new InvalidArgument(`${option}: ${redact(url)} answered HTTP ${status}`, option));
      }
      resolve(res);
    });
    req.end();
  });
}

/** A GET that answered 200 or 206: its status, headers and body (which may start with bytes already peeked at). */
export interface OpenedDownload {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: Readable;
  /** Bytes the server announced for this response (Content-Length), when it did. */
  readonly lengthBytes?: number;
}

/** Opens the download of `options.url` from `offset`, following redirects. */
export async function openDownload(options: FetchOptions, offset = 0): Promise<OpenedDownload> {
  const res = await get(options.url, options, offset);
  const length = Number(res.headers['content-length'] ?? Number.NaN);
  return {
    status: res.statusCode ?? 200,
    headers: res.headers,
    body: res,
    ...(Number.isFinite(length) && { lengthBytes: length }),
  };
}

/**
 * Reads the first bytes of a download until `enough(head)` is satisfied (it returns how many bytes it still needs, 0
 * when done) or `capBytes` arrived; gives back those bytes and the same download, whose body starts with them again.
 */
export async function peekDownload(
  opened: OpenedDownload,
  enough: (head: Buffer) => number,
  capBytes: number,
): Promise<{ readonly head: Buffer; readonly opened: OpenedDownload }> {
  const source = opened.body[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  for (let want = enough(Buffer.alloc(0)); want > size && size < capBytes; ) {
    const next = await source.next();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value as Buffer);
    size += (next.value as Buffer).length;
    if (size >= want) want = enough(Buffer.concat(chunks));
  }
  const head = Buffer.concat(chunks);
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    for (;;) {
      const next = await source.next();
      if (next.done) return;
      yield next.value as Buffer;
    }
  }
  const body = Readable.from(rest(), { objectMode: false });
  // Destroying the new body (a failed upload) closes the HTTP response too.
  body.on('close', () => {
    if (!opened.body.readableEnded) opened.body.destroy();
  });
  return { head, opened: { ...opened, body } };
}

/** User and password in a URL never reach a message. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '***';
      u.password = '';
    }
    return u.toString();
  } catch {
    return '(malformed URL)';
  }
}

async function hashFile(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
}

/** Where an interrupted download of `url` waits to be resumed. */
export function partPath(cacheDir: string, url: string): string {
  return join(cacheDir, `${createHash('sha256').update(url).digest('hex').slice(0, 32)}.part`);
}

/**
 * Downloads `url` into the cache; a `.part` left by an interrupted run is resumed when the server allows ranges.
 * `opened` is a download already under way from its first byte (the streaming path looked at its header first).
 */
export async function fetchToCache(options: FetchOptions, opened?: OpenedDownload): Promise<Fetched> {
  await mkdir(options.cacheDir, { recursive: true, mode: 0o700 });
  const part = partPath(options.cacheDir, options.url);
  const have = opened
    ? 0
    : await stat(part).then(
        (s) => s.size,
        () => 0,
      );
  const res = opened ?? (await openDownload(options, have));
  const partial = res.status === 206;
  const hash = createHash('sha256');
  let resumedFromBytes = 0;
  let resume: Fetched['resume'];
  if (have > 0 && partial) {
    await hashFile(part, hash);
    resumedFromBytes = have;
    resume = 'resumed';
  } else if (have > 0) {
    resume = 'restarted';
  }
  const totalBytes = res.lengthBytes !== undefined ? res.lengthBytes + resumedFromBytes : undefined;
  let receivedBytes = resumedFromBytes;
  let lastReport = 0;
  res.body.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    receivedBytes += chunk.length;
    const now = Date.now();
    if (options.onProgress && now - lastReport > 250) {
      lastReport = now;
      options.onProgress({ receivedBytes, ...(totalBytes !== undefined && { totalBytes }) });
    }
  });
  try {
    await pipeline(res.body, createWriteStream(part, { flags: partial ? 'a' : 'w', mode: 0o600 }));
  } catch (error) {
    throw new InvalidArgument(
      `${options.option ?? 'src'}: download of ${redact(options.url)} was interrupted after ${receivedBytes} bytes (${(error as Error).message}); run again to resume`,
      options.option ?? 'src',
    );
  }
  if (totalBytes !== undefined && receivedBytes !== totalBytes) {
    throw new InvalidArgument(
      `${options.option ?? 'src'}: download of ${redact(options.url)} ended after ${receivedBytes} of ${totalBytes} bytes; run again to resume`,
      options.option ?? 'src',
    );
  }
  options.onProgress?.({ receivedBytes, ...(totalBytes !== undefined && { totalBytes }) });
  const sha256 = hash.digest('hex');
  const path = join(options.cacheDir, `${sha256}.download`);
  await rename(part, path);
  return { path, sha256, sizeBytes: receivedBytes, resumedFromBytes, ...(resume !== undefined && { resume }) };
}

/** A small text resource (a SHA256SUMS file), at most `limit` bytes. */
export async function fetchText(
  url: string,
  options: Omit<FetchOptions, 'url' | 'cacheDir'>,
  limit = 1 << 20,
): Promise<string> {
  const res = await get(url, { ...options, url, cacheDir: '' });
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      res.destroy();
      throw new InvalidArgument(
        `${options.option ?? 'checksum'}: ${redact(url)} is larger than ${limit} bytes; not a checksum file`,
        options.option ?? 'checksum',
      );
    }
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}
