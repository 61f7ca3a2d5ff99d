/**
 * The Hyper-V host simulator: an ssh2 server on loopback (ephemeral port) behaving like a Windows host with
 * Win32-OpenSSH. An exec request runs as on Windows: `powershell.exe`/`pwsh.exe` command lines start real pwsh with
 * the same arguments (anything else gets cmd.exe's answer), the SSH channel and the process are piped together, and
 * the fake Hyper-V and CimCmdlets modules (src/sim/hyperv-module) are loaded first. Those modules reach the one
 * registry over a unix socket (the platform channel), so VMs, disks, KVP pools and guests keep one model. SFTP is
 * served from the host's directory. Faults, jobs and guests are driven per test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2, { type Connection, type ServerChannel } from 'ssh2';
import { systemClock, type Clock } from '../core/clock';
import type { HostConnection } from '../drivers/types';
import type { SshConnectionOptions } from '../transport/ssh-connection';
import { fingerprintOf } from '../transport/host-key';
import { clixmlError } from './clixml-error';
import type { GuestHooks, SimContext, SimTimings } from './context';
import { FaultRules } from './faults';
import { SimFiles } from './files';
import { HyperVPlatform, PlatformError } from './hyperv-platform';
import { SimJobs } from './jobs';
import { SimLog } from './log';
import { findPwsh, MODULE_DIR, PWSH_HINT, simAssembly, withSimHost } from './pwsh';
import { FrameScanner, REQUEST_MARKER } from '../transport/ps-frames';
import { SimRegistry } from './registry';
import { serveSftp } from './sftp-subsystem';

export interface SimulatorOptions {
  readonly clock?: Clock;
  readonly user?: string;
  /** Default: 24 random bytes, base64url. */
  readonly password?: string;
  /** OpenSSH public key lines accepted for `user`. */
  readonly authorizedKeys?: readonly string[];
  /** Host private key (OpenSSH/PEM); default: a fresh ed25519 key. */
  readonly hostKey?: string;
  /** Directory holding the host's drives; default a temp dir removed at stop(). */
  readonly root?: string;
  readonly registry?: SimRegistry;
  readonly timings?: Partial<SimTimings>;
  /** Text printed before the runner's output, as a PowerShell profile would. */
  readonly profileNoise?: string;
  readonly guests?: GuestHooks;
  /** Keep every platform call (cmdlet, calling script, arguments) in memory for tests; never logged. Default false. */
  readonly recordCalls?: boolean;
  /** Default 0: an ephemeral port. */
  readonly port?: number;
}

export interface SimStats {
  connections: number;
  execs: number;
  sftpSessions: number;
  /** Bytes received through SFTP writes. */
  sftpBytes: number;
  /** Script requests the transport framed on a PowerShell process's stdin (counted on the wire, as sent). */
  requests: number;
}

const noGuests: GuestHooks = {
  boot: () => undefined,
  halt: () => undefined,
  hostItemsChanged: () => undefined,
  refresh: () => undefined,
};

export class HyperVSimulator {
  readonly faults = new FaultRules();
  readonly log = new SimLog();
  readonly stats: SimStats = { connections: 0, execs: 0, sftpSessions: 0, sftpBytes: 0, requests: 0 };
  readonly registry: SimRegistry;
  readonly files: SimFiles;
  readonly clock: Clock;
  readonly jobs: SimJobs;
  readonly timings: SimTimings;
  readonly user: string;
  readonly password: string;
  readonly hostKeyFingerprint: string;
  guests: GuestHooks;
  /** Exec command lines received. */
  readonly commands: string[] = [];
  /** Platform calls when `recordCalls` is set (test inspection only). */
  readonly calls: PlatformCall[] = [];
  /** PowerShell processes started (one per exec of powershell.exe / pwsh.exe). */
  pwshProcesses = 0;
  port = 0;
  readonly host = '127.0.0.1';
  private readonly server: ssh2.Server;
  private readonly connections = new Set<Connection>();
  private readonly ownRoot: boolean;
  private readonly platform: HyperVPlatform;
  private channelServer: NetServer | undefined;
  private channelDir = '';
  private assembly = '';
  private readonly execs = new Map<string, { child: ChildProcess; channel: ServerChannel; client: Connection }>();

  private constructor(private readonly options: SimulatorOptions) {
    this.clock = options.clock ?? systemClock;
    this.jobs = new SimJobs(this.clock);
    this.timings = { kvpJobMs: 0, guestShutdownMs: 0, ...options.timings };
    this.registry = options.registry ?? new SimRegistry();
    this.ownRoot = options.root === undefined;
    this.files = new SimFiles(options.root ?? mkdtempSync(join(tmpdir(), 'virtseal-sim-')));
    this.user = options.user ?? 'virtseal';
    this.password = options.password ?? randomBytes(24).toString('base64url');
    this.guests = options.guests ?? noGuests;
    const { hostKey, publicBlob } = loadHostKey(options.hostKey);
    this.hostKeyFingerprint = fingerprintOf(publicBlob);
    // Identifies like Win32-OpenSSH, so clients treat it as they would a Windows host.
    this.server = new ssh2.Server({ hostKeys: [hostKey], ident: 'OpenSSH_for_Windows_9.5' }, (client) =>
      this.accept(client),
    );
    this.platform = new HyperVPlatform(this.context);
    // The host's drives exist from the start (C: system, plus the drives of its VM and disk paths).
    for (const path of ['C:\\Windows', this.registry.host.virtualMachinePath, this.registry.host.virtualHardDiskPath])
      mkdirSync(this.files.local(path), { recursive: true });
  }

  static async start(options: SimulatorOptions = {}): Promise<HyperVSimulator> {
    const sim = new HyperVSimulator(options);
    await sim.openChannel();
    await new Promise<void>((resolve, reject) => {
      sim.server.once('error', reject);
      sim.server.listen(options.port ?? 0, sim.host, () => {
        sim.port = (sim.server.address() as { port: number }).port;
        resolve();
      });
    });
    return sim;
  }

  /** SSH options for the simulator: password auth, host key pinned. */
  sshOptions(extra: Partial<SshConnectionOptions> = {}): SshConnectionOptions {
    return {
      host: this.host,
      port: this.port,
      user: this.user,
      password: this.password,
      hostKeyFingerprint: this.hostKeyFingerprint,
      ...extra,
    };
  }

  /** The host connection a driver registry opens: the Hyper-V driver over `sshOptions()`. */
  connection(settings: HostConnection['settings'] = {}): HostConnection {
    return { hypervisor: 'hyperv', ssh: this.sshOptions(), settings };
  }

  get context(): SimContext {
    return {
      registry: this.registry,
      files: this.files,
      clock: this.clock,
      jobs: this.jobs,
      timings: this.timings,
      guests: this.guests,
    };
  }

  /** Cut every SSH connection (the client sees a dropped link). */
  dropConnections(): void {
    for (const c of this.connections) c.end();
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.end();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const { child } of this.execs.values()) killTree(child);
    this.execs.clear();
    await new Promise<void>((resolve) => (this.channelServer ? this.channelServer.close(() => resolve()) : resolve()));
    rmSync(this.channelDir, { recursive: true, force: true });
    for (const vm of this.registry.vms.values()) this.guests.halt(vm);
    if (this.ownRoot) rmSync(this.files.root, { recursive: true, force: true });
  }

  private accept(client: Connection): void {
    const number = ++this.stats.connections;
    this.connections.add(client);
    (client as Connection & { setNoDelay(on: boolean): void }).setNoDelay(true);
    client.on('close', () => this.connections.delete(client));
    client.on('error', () => this.connections.delete(client));
    client.on('authentication', (ctx) => {
      if (ctx.username !== this.user) return ctx.reject(['password', 'publickey']);
      if (ctx.method === 'password' && safeEqual(ctx.password, this.password)) return ctx.accept();
      if (ctx.method === 'publickey' && this.keyAllowed(ctx.key.algo, ctx.key.data)) {
        if (!ctx.signature) return ctx.accept();
        const key = ssh2.utils.parseKey(`${ctx.key.algo} ${ctx.key.data.toString('base64')}`);
        if (
          !(key instanceof Error) &&
          !Array.isArray(key) &&
          ctx.blob &&
          key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true
        )
          return ctx.accept();
      }
      ctx.reject(['password', 'publickey']);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('exec', (accept, _reject, info) => {
          const channel = accept();
          this.stats.execs += 1;
          this.commands.push(info.command);
          this.execute(number, info.command, channel, client);
        });
        session.on('sftp', (accept) => {
          this.stats.sftpSessions += 1;
          serveSftp(accept(), {
            files: this.files,
            faults: this.faults,
            drop: () => client.end(),
            onBytes: (n) => (this.stats.sftpBytes += n),
          });
        });
        session.on('pty', (_accept, reject) => reject?.());
        session.on('env', (_accept, reject) => reject?.());
      });
    });
  }

  private keyAllowed(algo: string, data: Buffer): boolean {
    return (this.options.authorizedKeys ?? []).some((line) => {
      const [type, b64] = line.trim().split(/\s+/);
      return type === algo && b64 !== undefined && Buffer.from(b64, 'base64').equals(data);
    });
  }

  private async openChannel(): Promise<void> {
    const pwsh = findPwsh();
    if (!pwsh) throw new Error(`the Hyper-V simulator runs the host scripts in real PowerShell: ${PWSH_HINT}`);
    this.assembly = await simAssembly(pwsh);
    this.channelDir = mkdtempSync(join(tmpdir(), 'vs-chan-'));
    this.channelServer = createServer((socket) => this.serveChannel(socket));
    await new Promise<void>((resolve, reject) => {
      this.channelServer!.once('error', reject);
      this.channelServer!.listen(join(this.channelDir, 'platform.sock'), resolve);
    });
  }

  /** One PowerShell process's calls into the platform: newline-delimited JSON, answered in order. */
  private serveChannel(socket: Socket): void {
    let buffer = '';
    let queue = Promise.resolve();
    socket.setEncoding('utf8');
    socket.on('error', () => undefined);
    socket.on('data', (text: string) => {
      buffer += text;
      for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 1);
        queue = queue.then(() => this.answer(line, socket));
      }
    });
  }

  private async answer(line: string, socket: Socket): Promise<void> {
    let request: { cmdlet: string; script: string; connection: string; params: Record<string, unknown> };
    try {
      request = JSON.parse(line) as typeof request;
    } catch {
      socket.destroy();
      return;
    }
    const params = request.params ?? {};
    const exec = this.execs.get(request.connection);
    const connection = Number(request.connection.split(':')[0] ?? 0);
    const op = request.script || request.cmdlet;
    const target = [request.cmdlet, typeof params.vmId === 'string' ? params.vmId : '']
      .filter((t) => t !== '')
      .join(' ');
    const argNames = Object.keys(params);
    if (this.options.recordCalls)
      this.calls.push({ connection: request.connection, script: request.script, cmdlet: request.cmdlet, params });
    const reply = (body: unknown): void => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(body)}\n`);
    };
    const internal = request.cmdlet.startsWith('clock.') || request.cmdlet === 'host.info';
    const rule = internal
      ? undefined
      : (this.faults.match(op, [request.cmdlet, ...stringValues(params)]) ??
        this.faults.match(request.cmdlet, stringValues(params)));
    if (rule) {
      if (rule.delayMs) await this.clock.sleep(rule.delayMs);
      this.log.add({ connection, op, target, argNames, outcome: 'fault', message: rule.kind ?? 'error' });
      switch (rule.kind ?? 'error') {
        case 'hang':
          return; // never answers; the client's timeout closes the channel
        case 'drop':
          exec?.client.end();
          return;
        case 'crash':
          if (exec) {
            exec.channel.stderr.write(clixmlError(rule.error ?? 'simulated crash'));
            exec.channel.exit(1);
            exec.channel.end();
            killTree(exec.child);
          }
          return;
        default:
          reply({
            ok: false,
            error: {
              message: rule.error ?? 'simulated failure',
              type: 'VirtualizationException',
              category: 'NotSpecified',
              errorId: 'Unspecified',
            },
          });
          return;
      }
    }
    try {
      const result = await this.platform.call(request.cmdlet, params);
      if (!internal) this.log.add({ connection, op, target, argNames, outcome: 'ok' });
      reply({ ok: true, result: result ?? null });
    } catch (error) {
      const e =
        error instanceof PlatformError
          ? error
          : new PlatformError((error as Error).message, 'VirtualizationException', 'NotSpecified', 'Unspecified');
      // Only the cmdlet and outcome are logged: a message can quote an argument value.
      this.log.add({ connection, op, target, argNames, outcome: 'error', message: e.errorId });
      reply({ ok: false, error: { message: e.message, type: e.type, category: e.category, errorId: e.errorId } });
    }
  }

  /** Runs one exec request as Windows would: PowerShell command lines in real pwsh, anything else refused by cmd.exe. */
  private execute(connection: number, command: string, channel: ServerChannel, client: Connection): void {
    const words = command.trim().split(/\s+/);
    const program = (words[0] ?? '').toLowerCase();
    if (!['powershell.exe', 'powershell', 'pwsh.exe', 'pwsh'].includes(program)) {
      this.log.add({ connection, op: 'exec', target: '', argNames: [], outcome: 'error', message: 'not a program' });
      channel.stderr.write(
        `'${words[0] ?? ''}' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n`,
      );
      channel.exit(1);
      channel.end();
      return;
    }
    const args = words.slice(1);
    const encoded = args.findIndex((a) => /^-(e|ec|encodedcommand)$/i.test(a));
    if (encoded >= 0 && args[encoded + 1] !== undefined) {
      const text = Buffer.from(args[encoded + 1]!, 'base64').toString('utf16le');
      args[encoded + 1] = Buffer.from(withSimHost(text), 'utf16le').toString('base64');
    } else {
      const at = args.findIndex((a) => /^-(c|command)$/i.test(a));
      if (at >= 0) args.splice(at + 1, args.length, withSimHost(args.slice(at + 1).join(' ')));
      else args.push('-Command', withSimHost('$input | Out-Null'));
    }
    const id = `${connection}:${this.stats.execs}`;
    this.pwshProcesses += 1;
    const h = this.registry.host;
    const child = spawn(findPwsh()!, args, {
      cwd: this.files.local('C:\\'),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/root',
        TMPDIR: process.env.TMPDIR ?? tmpdir(),
        PSModulePath: MODULE_DIR,
        POWERSHELL_TELEMETRY_OPTOUT: '1',
        POWERSHELL_UPDATECHECK: 'Off',
        DOTNET_CLI_TELEMETRY_OPTOUT: '1',
        VIRTSEAL_SIM_CHANNEL: join(this.channelDir, 'platform.sock'),
        VIRTSEAL_SIM_CONNECTION: id,
        VIRTSEAL_SIM_ROOT: this.files.root,
        VIRTSEAL_SIM_ASSEMBLY: this.assembly,
        COMPUTERNAME: h.name,
        SystemRoot: 'C:\\Windows',
        USERNAME: this.user,
        USERDOMAIN: h.name,
      },
    });
    this.execs.set(id, { child, channel, client });
    if (this.options.profileNoise) channel.write(this.options.profileNoise);
    const frames = new FrameScanner(REQUEST_MARKER);
    channel.on('data', (c: Buffer) => {
      this.stats.requests += frames.push(c.toString('latin1')).length;
      child.stdin.write(c);
    });
    channel.on('end', () => child.stdin.end());
    channel.on('close', () => killTree(child));
    child.stdin.on('error', () => undefined);
    child.stdout.on('data', (c: Buffer) => channel.write(c));
    child.stderr.on('data', (c: Buffer) => channel.stderr.write(c));
    child.on('error', (error) => {
      channel.stderr.write(`${error.message}\r\n`);
      channel.exit(1);
      channel.end();
    });
    child.on('close', (code) => {
      this.execs.delete(id);
      try {
        channel.exit(code ?? 1);
        channel.end();
      } catch {
        // the channel is already closed
      }
    });
  }
}

export interface PlatformCall {
  readonly connection: string;
  readonly script: string;
  readonly cmdlet: string;
  readonly params: Record<string, unknown>;
}

function stringValues(params: Record<string, unknown>): string[] {
  return Object.values(params).filter((v): v is string => typeof v === 'string' && v !== '');
}

function killTree(child: ChildProcess): void {
  if (child.exitCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** Parses the given host key, or makes a fresh ed25519 one (ssh2's generator now and then emits a key its own parser
 * rejects, so a fresh key is retried). */
function loadHostKey(given: string | undefined): { hostKey: string; publicBlob: Buffer } {
  for (let attempt = 0; ; attempt += 1) {
    const hostKey = given ?? ssh2.utils.generateKeyPairSync('ed25519').private;
    const parsed = ssh2.utils.parseKey(hostKey);
    if (!(parsed instanceof Error))
      return { hostKey, publicBlob: (Array.isArray(parsed) ? parsed[0] : parsed).getPublicSSH() };
    if (given !== undefined || attempt >= 10) throw parsed;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
