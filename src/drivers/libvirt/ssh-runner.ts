/**
 * Runs the libvirt driver's argument vectors on a remote host over virtseal's SSH connection (each argument
 * quoted for the remote POSIX shell by `execArgv`, none interpreted), and uploads images over SFTP.
 */
import type { Duplex, Readable } from 'node:stream';
import type { SshConnection } from '../../transport/ssh-connection';
import { uploadFile, uploadStream } from '../../transport/sftp-upload';
import type {
  CommandResult,
  CommandRunner,
  RunOptions,
  StreamUploadRequest,
  UploadRequest,
} from '../../transport/local-exec';

export class SshRunner implements CommandRunner {
  constructor(private readonly ssh: SshConnection) {}

  async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const stdin =
      options.stdin === undefined || typeof options.stdin === 'string' || Buffer.isBuffer(options.stdin)
        ? options.stdin
        : await collect(options.stdin);
    const r = await this.ssh.execArgv(argv, {
      ...(stdin !== undefined ? { stdin } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    return { code: r.code ?? 255, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
  }

  async upload(request: UploadRequest): Promise<{ readonly sentBytes: number }> {
    const sftp = await this.ssh.sftp();
    const r = await uploadFile(sftp, {
      localPath: request.localPath,
      remotePath: request.remotePath,
      startOffset: request.startOffset,
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    });
    return { sentBytes: r.sentBytes };
  }

  async uploadStream(request: StreamUploadRequest): Promise<{ readonly sentBytes: number }> {
    const sftp = await this.ssh.sftp();
    const sentBytes = await uploadStream(sftp, {
      body: request.body,
      remotePath: request.remotePath,
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    });
    return { sentBytes };
  }

  connectTcp(host: string, port: number): Promise<Duplex> {
    return this.ssh.forwardOut(host, port);
  }

  async close(): Promise<void> {
    await this.ssh.close();
  }
}

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(parts);
}
