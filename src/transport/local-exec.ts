/**
 * Runs argument vectors on this machine with child_process.execFile: never a shell, never a command string.
 * `CommandRunner` is the seam the libvirt driver talks to, so the same driver runs locally (`qemu:///system` on
 * the machine running Ansible) or on a remote host through an SSH exec channel.
 */
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import type { Duplex, Readable } from 'node:stream';
import { HostUnreachable } from '../core/errors';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Bytes fed to the program's standard input (never put secrets in argv; send them here). */
  readonly stdin?: string | Buffer | Readable;
  /** Kill the program after this long. Default 120,000 ms. */
  readonly timeoutMs?: number;
}

/** A file copy to the host, resumed from `startOffset` (bytes before it are kept). */
export interface UploadRequest {
  readonly localPath: string;
  readonly remotePath: string;
  readonly startOffset: number;
  readonly onProgress?: (sentBytes: number, totalBytes: number) => void;
}

/** A stream copied to a new file on the host. */
export interface StreamUploadRequest {
  readonly body: Readable;
  readonly remotePath: string;
  readonly onProgress?: (sentBytes: number) => void;
}

export interface CommandRunner {
  /** Runs `argv[0]` with the remaining arguments; resolves with the exit code (a non-zero code is not thrown). */
  run(argv: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /**
   * Optional faster path for large files (SFTP over SSH). Without it, files are streamed into `dd` on the host
   * through `run`'s stdin.
   */
  upload?(request: UploadRequest): Promise<{ readonly sentBytes: number }>;
  /** The same for a stream (a download on its way), written to a new file; resolves with the bytes written. */
  uploadStream?(request: StreamUploadRequest): Promise<{ readonly sentBytes: number }>;
  /** A TCP stream to `host:port` as seen from the host (over SSH, a channel inside the same connection). */
  connectTcp?(host: string, port: number): Promise<Duplex>;
  close(): Promise<void>;
}

/** A TCP connection made from this machine, resolved once it is established. */
export function connectLocalTcp(host: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Largest stdout we accept from one program (guest file reads come back base64 through virsh). */
const MAX_BUFFER = 256 * 1024 * 1024;

export class LocalRunner implements CommandRunner {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  connectTcp(host: string, port: number): Promise<Duplex> {
    return connectLocalTcp(host, port);
  }

  run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const [file, ...args] = argv;
    if (file === undefined) return Promise.reject(new TypeError('empty argument vector'));
    return new Promise((resolve, reject) => {
      const child = execFile(
        file,
        args,
        { encoding: 'utf8', maxBuffer: MAX_BUFFER, timeout: options.timeoutMs ?? 120_000, env: this.env, shell: false },
        (error, stdout, stderr) => {
          if (error && typeof error.code === 'string') {
            // ENOENT/EACCES: the program itself could not be started.
            reject(new HostUnreachable(`cannot run ${file}: ${error.code}`, { cause: error }));
            return;
          }
          const code = error ? (typeof error.code === 'number' ? error.code : error.killed ? 124 : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      child.stdin?.on('error', () => undefined); // a program that exits without reading its stdin
      const input = options.stdin ?? '';
      if (typeof input === 'string' || Buffer.isBuffer(input)) child.stdin?.end(input);
      else if (child.stdin) input.pipe(child.stdin);
    });
  }

  async close(): Promise<void> {}
}
