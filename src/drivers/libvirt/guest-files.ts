/**
 * Files and programs inside a guest through the QEMU guest agent (guest-file-*, guest-exec), one virsh
 * qemu-agent-command per call. File contents travel base64 in the JSON; a program runs from an argument vector.
 */
import { GuestFailed, GuestTimeout } from '../../core/errors';
import type { HostCommands } from './virsh';

/** Keeps each virsh argument well below Linux's 128 KiB single-argument limit. */
const WRITE_CHUNK = 48 * 1024;
const READ_CHUNK = 1024 * 1024;
/**
 * What a read takes from a guest-writable file at most, in bytes and time: guest root can make a pool file a
 * symlink to /dev/zero or a FIFO, and the controller must not fill its memory or wait for ever.
 */
export const READ_LIMITS = { maxBytes: 1024 * 1024, timeoutMs: 60_000 } as const;

export interface GuestExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class GuestFiles {
  constructor(
    private readonly host: HostCommands,
    private readonly domain: string,
  ) {}

  /** Whole file content, or undefined when the file does not exist; refuses more than `limits` allow. */
  async read(
    path: string,
    limits: { readonly maxBytes?: number; readonly timeoutMs?: number } = {},
  ): Promise<Buffer | undefined> {
    const max = limits.maxBytes ?? READ_LIMITS.maxBytes;
    const deadline = Date.now() + (limits.timeoutMs ?? READ_LIMITS.timeoutMs);
    let handle: number;
    try {
      handle = await this.host.agent<number>(this.domain, {
        execute: 'guest-file-open',
        arguments: { path, mode: 'r' },
      });
    } catch (e) {
      if (e instanceof Error && /No such file|not found|ENOENT/i.test(e.message)) return undefined;
      throw e;
    }
    try {
      const parts: Buffer[] = [];
      let total = 0;
      for (;;) {
        // Ask for one byte past the limit at most, so a file of exactly `max` bytes still reads.
        const r = await this.host.agent<{ count: number; 'buf-b64': string; eof: boolean }>(this.domain, {
          execute: 'guest-file-read',
          arguments: { handle, count: Math.min(READ_CHUNK, max + 1 - total) },
        });
        const part = Buffer.from(r['buf-b64'], 'base64');
        total += part.length;
        if (total > max)
          throw new GuestFailed(
            'guest_file_too_large',
            `${path} in the guest holds more than ${max} bytes: not read (a guest-writable file is read only up to that size)`,
          );
        parts.push(part);
        if (r.eof || r.count === 0) break;
        if (Date.now() > deadline)
          throw new GuestTimeout(
            `reading ${path} in the guest took longer than ${limits.timeoutMs ?? READ_LIMITS.timeoutMs} ms: not read`,
          );
      }
      return Buffer.concat(parts);
    } finally {
      await this.close(handle);
    }
  }

  /** Creates or truncates `path` and writes `data`. Not atomic: see `replace`. */
  async write(path: string, data: Buffer): Promise<void> {
    const handle = await this.host.agent<number>(this.domain, {
      execute: 'guest-file-open',
      arguments: { path, mode: 'w' },
    });
    try {
      for (let offset = 0; offset < data.length || offset === 0; offset += WRITE_CHUNK) {
        const chunk = data.subarray(offset, offset + WRITE_CHUNK);
        if (chunk.length === 0) break;
        await this.host.agent(this.domain, {
          execute: 'guest-file-write',
          arguments: { handle, 'buf-b64': chunk.toString('base64') },
        });
      }
      await this.host.agent(this.domain, { execute: 'guest-file-flush', arguments: { handle } });
    } finally {
      await this.close(handle);
    }
  }

  /** Writes `data` beside `path` and renames it into place, so a reader never sees a half-written file. */
  async replace(path: string, data: Buffer, mode = '0600'): Promise<void> {
    const temporary = `${path}.virtseal-new`;
    await this.write(temporary, data);
    await this.run(['/bin/chmod', mode, temporary]);
    const moved = await this.run(['/bin/mv', '-f', temporary, path]);
    if (moved.exitCode !== 0)
      throw new GuestFailed('rename_failed', `could not move ${temporary} into place: ${moved.stderr.trim()}`);
  }

  /** Runs a program in the guest (no shell) and waits for it. */
  async run(
    argv: readonly string[],
    options: { readonly stdin?: Buffer; readonly timeoutMs?: number } = {},
  ): Promise<GuestExecResult> {
    const [path, ...arg] = argv;
    const { pid } = await this.host.agent<{ pid: number }>(this.domain, {
      execute: 'guest-exec',
      arguments: {
        path,
        arg,
        'capture-output': true,
        ...(options.stdin ? { 'input-data': options.stdin.toString('base64') } : {}),
      },
    });
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    let delay = 20;
    for (;;) {
      const s = await this.host.agent<{
        exited: boolean;
        exitcode?: number;
        signal?: number;
        'out-data'?: string;
        'err-data'?: string;
      }>(this.domain, { execute: 'guest-exec-status', arguments: { pid } });
      if (s.exited) {
        return {
          exitCode: s.exitcode ?? (s.signal !== undefined ? 128 + s.signal : -1),
          stdout: Buffer.from(s['out-data'] ?? '', 'base64').toString('utf8'),
          stderr: Buffer.from(s['err-data'] ?? '', 'base64').toString('utf8'),
        };
      }
      if (Date.now() > deadline) throw new GuestFailed('exec_timeout', `${path} did not finish in the guest in time`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(500, delay * 2);
    }
  }

  private async close(handle: number): Promise<void> {
    await this.host.agent(this.domain, { execute: 'guest-file-close', arguments: { handle } }).catch(() => undefined);
  }
}
