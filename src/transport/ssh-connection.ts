/**
 * The one SSH client of virtseal. A module run opens one connection and reuses it for every operation (exec
 * channels, SFTP). No pty is ever requested and no data travels in environment variables; stdin is written whole and
 * then EOF is sent, because Windows OpenSSH hands stdin to the child through a pipe that must be closed.
 */
import type { Duplex } from 'node:stream';
import ssh2, { type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { AuthFailed, HostKeyMismatch, HostUnreachable, InvalidArgument, VirtsealError } from '../core/errors';
import { checkHostKey, fingerprintOf, normalizeFingerprint } from './host-key';
import { collect } from './exec-channel';
import { quotePosixArgv } from './posix-quote';

/** How to reach and authenticate to an SSH host (the driver's HostConnectionOptions extends this). */
export interface SshConnectionOptions {
  readonly host: string;
  /** Default 22. */
  readonly port?: number;
  readonly user: string;
  readonly password?: string;
  /** PEM/OpenSSH private key text. */
  readonly privateKey?: string;
  readonly passphrase?: string;
  /** Agent socket path, or true for SSH_AUTH_SOCK. */
  readonly agent?: string | boolean;
  /** Pinned host key fingerprint, `SHA256:<base64>` as printed by ssh-keygen -lf. */
  readonly hostKeyFingerprint?: string;
  /** known_hosts file to check the host key against. */
  readonly knownHostsFile?: string;
  /** Default false: a key that is neither pinned nor known is refused. */
  readonly acceptUnknownHostKey?: boolean;
  /** Default 15,000 ms. */
  readonly connectTimeoutMs?: number;
  /** Default 15,000 ms; the connection is declared dead after `keepaliveCountMax` (default 4) missed replies. */
  readonly keepaliveIntervalMs?: number;
  readonly keepaliveCountMax?: number;
}

export interface ExecOptions {
  readonly stdin?: string | Buffer;
  /** Default 600,000 ms. The channel is closed when it expires (the remote process may still run). */
  readonly timeoutMs?: number;
  /** What is running, for messages (never includes argument values). */
  readonly what?: string;
}

export interface ExecResult {
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  /** Exit code; null when the server reported none (signal or dropped channel). */
  readonly code: number | null;
}

/** Counters for benchmarks and tests: connections opened, exec channels, SFTP sessions. */
export interface SshStats {
  connects: number;
  execs: number;
  sftpSessions: number;
}

export class SshConnection {
  readonly stats: SshStats = { connects: 0, execs: 0, sftpSessions: 0 };
  private client: ssh2.Client | undefined;
  private sftpSession: Promise<SFTPWrapper> | undefined;
  private fingerprint = '';
  private closedByUs = false;

  private constructor(readonly options: SshConnectionOptions) {}

  static async connect(options: SshConnectionOptions): Promise<SshConnection> {
    const connection = new SshConnection(options);
    await connection.open();
    return connection;
  }

  get target(): string {
    return `${this.options.user}@${this.options.host}:${this.options.port ?? 22}`;
  }

  /** SHA256 fingerprint of the host key seen at the last connect. */
  get hostKeyFingerprint(): string {
    return this.fingerprint;
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  /** Drop the current connection (if any) and open a new one with the same options. */
  async reconnect(): Promise<void> {
    this.dispose();
    await this.open();
  }

  /**
   * A TCP channel from the host to `host:port` there (a direct-tcpip channel, as `ssh -L` opens), so a service the
   * host keeps on its loopback is reached without being exposed.
   */
  async forwardOut(host: string, port: number): Promise<Duplex> {
    const client = await this.ensure();
    return new Promise((resolve, reject) => {
      client.forwardOut('127.0.0.1', 0, host, port, (error, channel) =>
        error
          ? reject(
              new HostUnreachable(
                `${this.target}: cannot open a channel to ${host}:${port} on the host: ${error.message}`,
                { cause: error },
              ),
            )
          : resolve(channel),
      );
    });
  }

  /** Run a command string (used with the fixed PowerShell bootstrap). Prefer `execArgv` on POSIX hosts. */
  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const client = await this.ensure();
    this.stats.execs += 1;
    const timeoutMs = options.timeoutMs ?? 600_000;
    const what = options.what ?? 'remote command';
    return new Promise<ExecResult>((resolve, reject) => {
      client.exec(command, (error, channel) => {
        if (error) return reject(this.lost(`cannot open a channel for ${what}`, error));
        collect(channel, options.stdin, timeoutMs, what, this.target).then(resolve, reject);
      });
    });
  }

  /**
   * Open an exec channel and hand it over as it is (a long-lived process the caller talks to through stdin/stdout,
   * such as the PowerShell runner). The caller ends or closes it.
   */
  async openExec(command: string, what = 'remote command'): Promise<ClientChannel> {
    const client = await this.ensure();
    this.stats.execs += 1;
    return new Promise<ClientChannel>((resolve, reject) => {
      client.exec(command, (error, channel) => {
        if (error) reject(this.lost(`cannot open a channel for ${what}`, error));
        else resolve(channel);
      });
    });
  }

  /** Run an argument vector on a POSIX host; every argument is quoted for the remote shell, none is interpreted. */
  execArgv(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.exec(quotePosixArgv(argv), { what: argv[0], ...options });
  }

  /** The connection's SFTP session, opened on first use and reused. */
  async sftp(): Promise<SFTPWrapper> {
    if (!this.sftpSession) {
      const client = await this.ensure();
      this.stats.sftpSessions += 1;
      this.sftpSession = new Promise<SFTPWrapper>((resolve, reject) => {
        client.sftp((error, sftp) => {
          if (error) reject(this.lost('cannot open an SFTP session', error));
          else {
            sftp.on('close', () => (this.sftpSession = undefined));
            resolve(sftp);
          }
        });
      });
      this.sftpSession.catch(() => (this.sftpSession = undefined));
    }
    return this.sftpSession;
  }

  async close(): Promise<void> {
    this.closedByUs = true;
    this.dispose();
  }

  private dispose(): void {
    const client = this.client;
    this.client = undefined;
    this.sftpSession = undefined;
    client?.end();
  }

  private async ensure(): Promise<ssh2.Client> {
    if (this.closedByUs) throw new VirtsealError('closed', `the SSH connection to ${this.target} was closed`);
    if (!this.client) await this.open();
    return this.client!;
  }

  private lost(message: string, cause: unknown): VirtsealError {
    return new HostUnreachable(`${message} on ${this.target}: ${(cause as Error).message ?? cause}`, { cause });
  }

  private open(): Promise<void> {
    const o = this.options;
    const port = o.port ?? 22;
    if (!o.host) throw new InvalidArgument('host is required', 'host');
    if (!o.user) throw new InvalidArgument('user is required', 'user');
    if (o.hostKeyFingerprint !== undefined) normalizeFingerprint(o.hostKeyFingerprint);
    let agent: string | undefined;
    if (o.agent) {
      agent = typeof o.agent === 'string' ? o.agent : process.env.SSH_AUTH_SOCK;
      if (!agent) throw new InvalidArgument('agent is true but SSH_AUTH_SOCK is not set', 'agent');
    }
    if (!o.password && !o.privateKey && !agent) {
      throw new InvalidArgument('no credentials: give password, private_key or agent', 'password');
    }
    let keyProblem: VirtsealError | undefined;
    const config: ConnectConfig = {
      host: o.host,
      port,
      username: o.user,
      readyTimeout: o.connectTimeoutMs ?? 15_000,
      keepaliveInterval: o.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: o.keepaliveCountMax ?? 4,
      hostVerifier: (key: Buffer) => {
        this.fingerprint = fingerprintOf(key);
        const verdict = checkHostKey(
          { host: o.host, port, fingerprint: o.hostKeyFingerprint, knownHostsFile: o.knownHostsFile },
          key,
        );
        if (verdict.kind === 'trusted') return true;
        if (verdict.kind === 'mismatch') {
          keyProblem = new HostKeyMismatch(
            `host key of ${o.host}:${port} is ${this.fingerprint}, expected ${verdict.expected} (from ${verdict.via}); refusing to connect`,
            { details: { actual: this.fingerprint } },
          );
          return false;
        }
        if (o.acceptUnknownHostKey) return true;
        keyProblem = new HostKeyMismatch(
          `host key ${this.fingerprint} of ${o.host}:${port} is not pinned or known; set host_key_fingerprint ` +
            `(or known_hosts_file, or accept_unknown_host_key) to trust it`,
          { details: { actual: this.fingerprint } },
        );
        return false;
      },
      ...(o.password !== undefined ? { password: o.password } : {}),
      ...(o.privateKey !== undefined ? { privateKey: o.privateKey } : {}),
      ...(o.passphrase !== undefined ? { passphrase: o.passphrase } : {}),
      ...(agent !== undefined ? { agent } : {}),
    };
    return new Promise<void>((resolve, reject) => {
      const client = new ssh2.Client();
      let settled = false;
      client.once('ready', () => {
        settled = true;
        // Requests are small and strictly request/response: Nagle + delayed ACK would add ~40 ms per exchange.
        client.setNoDelay(true);
        this.client = client;
        this.stats.connects += 1;
        resolve();
      });
      client.on('error', (error: Error & { level?: string }) => {
        if (settled) return;
        settled = true;
        client.end();
        reject(keyProblem ?? this.classify(error));
      });
      client.on('close', () => {
        if (this.client === client) {
          this.client = undefined;
          this.sftpSession = undefined;
        }
        if (!settled) {
          settled = true;
          reject(keyProblem ?? new HostUnreachable(`connection to ${o.host}:${port} closed during the handshake`));
        }
      });
      try {
        client.connect(config);
      } catch (error) {
        settled = true;
        const message = (error as Error).message;
        if (/privateKey|passphrase|decrypt/i.test(message)) {
          reject(
            new AuthFailed(`private key cannot be used (wrong passphrase or unsupported format)`, { cause: error }),
          );
        } else reject(new InvalidArgument(`SSH options are invalid: ${message}`, 'host', { cause: error }));
      }
    });
  }

  private classify(error: Error & { level?: string; code?: string }): VirtsealError {
    const o = this.options;
    const where = `${o.host}:${o.port ?? 22}`;
    if (error.level === 'client-authentication') {
      const methods = [o.privateKey && 'publickey', o.agent && 'agent', o.password !== undefined && 'password'].filter(
        Boolean,
      );
      return new AuthFailed(`authentication as ${o.user} on ${where} failed (tried ${methods.join(', ')})`, {
        cause: error,
      });
    }
    if (error.level === 'client-timeout') {
      return new HostUnreachable(`no SSH handshake from ${where} within ${o.connectTimeoutMs ?? 15_000} ms`, {
        cause: error,
      });
    }
    return new HostUnreachable(`cannot reach ${where}: ${error.code ?? error.message}`, { cause: error });
  }
}
