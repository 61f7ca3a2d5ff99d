/**
 * The Hyper-V host simulator: an ssh2 server on loopback (ephemeral port) that accepts exactly what the real
 * transport sends — the fixed PowerShell bootstrap with the runner and framed script requests on stdin, and SFTP —
 * and answers from one registry through per-noun handlers. Faults, jobs and guests are driven per test.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2, { type Connection, type ServerChannel } from 'ssh2';
import { systemClock, type Clock } from '../core/clock';
import type { HostConnection } from '../drivers/types';
import type { SshConnectionOptions } from '../transport/ssh-connection';
import { fingerprintOf } from '../transport/host-key';
import { FaultRules } from './faults';
import { SimFiles } from './files';
import { handlers } from './handlers/index';
import { SimScriptError, type GuestHooks, type SimContext, type SimTimings } from './handlers/context';
import { SimJobs } from './jobs';
import { SimLog } from './log';
import { REQUEST_MARKER, FrameScanner } from '../transport/ps-frames';
import { checkCommand, checkRunnerLine, clixmlError, parseRequest, renderEnvelope, type HostRejection, type Invocation } from './powershell-host';
import { SimRegistry } from './registry';
import { BindError } from './script-params';
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
  /** Keep every parsed invocation (arguments included) in memory for tests; never logged. Default false. */
  readonly recordInvocations?: boolean;
  /** Default 0: an ephemeral port. */
  readonly port?: number;
}

export interface SimStats {
  connections: number;
  /** Exec channels, i.e. PowerShell processes started. */
  execs: number;
  /** Script requests answered (one per operation). */
  requests: number;
  sftpSessions: number;
  /** Bytes received through SFTP writes. */
  sftpBytes: number;
}

const noGuests: GuestHooks = { boot: () => undefined, halt: () => undefined, hostItemsChanged: () => undefined, refresh: () => undefined };

export class HyperVSimulator {
  readonly faults = new FaultRules();
  readonly log = new SimLog();
  readonly stats: SimStats = { connections: 0, execs: 0, requests: 0, sftpSessions: 0, sftpBytes: 0 };
  readonly registry: SimRegistry;
  readonly files: SimFiles;
  readonly clock: Clock;
  readonly jobs: SimJobs;
  readonly timings: SimTimings;
  readonly user: string;
  readonly password: string;
  readonly hostKeyFingerprint: string;
  guests: GuestHooks;
  /** Exec command lines received (they never carry values: only the fixed bootstrap is accepted). */
  readonly commands: string[] = [];
  /** Parsed invocations when `recordInvocations` is set (test inspection only). */
  readonly invocations: Invocation[] = [];
  port = 0;
  readonly host = '127.0.0.1';
  private readonly server: ssh2.Server;
  private readonly connections = new Set<Connection>();
  private readonly ownRoot: boolean;

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
    this.server = new ssh2.Server({ hostKeys: [hostKey], ident: 'OpenSSH_for_Windows_9.5' }, (client) => this.accept(client));
  }

  static async start(options: SimulatorOptions = {}): Promise<HyperVSimulator> {
    const sim = new HyperVSimulator(options);
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
    return { host: this.host, port: this.port, user: this.user, password: this.password, hostKeyFingerprint: this.hostKeyFingerprint, ...extra };
  }

  /** The host connection a driver registry opens: the Hyper-V driver over `sshOptions()`. */
  connection(settings: HostConnection['settings'] = {}): HostConnection {
    return { hypervisor: 'hyperv', ssh: this.sshOptions(), settings };
  }

  get context(): SimContext {
    return { registry: this.registry, files: this.files, clock: this.clock, jobs: this.jobs, timings: this.timings, guests: this.guests };
  }

  /** Cut every SSH connection (the client sees a dropped link). */
  dropConnections(): void {
    for (const c of this.connections) c.end();
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.end();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
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
        if (!(key instanceof Error) && !Array.isArray(key) && ctx.blob && key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
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
          this.serve(number, info.command, channel, client);
        });
        session.on('sftp', (accept) => {
          this.stats.sftpSessions += 1;
          serveSftp(accept(), { files: this.files, faults: this.faults, drop: () => client.end(), onBytes: (n) => (this.stats.sftpBytes += n) });
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

  /**
   * One PowerShell process behind an exec channel, as the runner behaves: the command must be the bootstrap, stdin
   * line 1 the static runner, then each framed request is answered with one response frame, in order, until EOF.
   */
  private serve(connection: number, command: string, channel: ServerChannel, client: Connection): void {
    let dead = false;
    // Nothing is written after the client closed the channel: ssh2 reuses channel numbers.
    channel.on('close', () => (dead = true));
    const die = (stderr: string, code: number): void => {
      if (dead) return;
      dead = true;
      if (stderr) channel.stderr.write(stderr);
      channel.exit(code);
      channel.end();
    };
    try {
      checkCommand(command);
    } catch (error) {
      const rejection = error as HostRejection;
      this.log.add({ connection, op: 'unknown', target: '', argNames: [], outcome: 'error', message: rejection.kind === 'shell' ? 'not a PowerShell bootstrap' : 'bootstrap' });
      return die(rejection.kind === 'shell' ? `${rejection.message}\r\noperable program or batch file.\r\n` : clixmlError(rejection.message), 1);
    }
    let firstLine: string | undefined;
    let head = '';
    let noise = this.options.profileNoise ?? '';
    const scanner = new FrameScanner(REQUEST_MARKER);
    let work = Promise.resolve();
    channel.on('data', (chunk: Buffer) => {
      if (dead) return;
      let text = chunk.toString('latin1');
      if (firstLine === undefined) {
        head += text;
        const newline = head.indexOf('\n');
        if (newline < 0) return;
        firstLine = head.slice(0, newline);
        text = head.slice(newline + 1);
        head = '';
        try {
          checkRunnerLine(firstLine);
        } catch (error) {
          return die(clixmlError((error as Error).message), 1);
        }
      }
      for (const frame of scanner.push(text)) {
        work = work.then(async () => {
          if (dead) return;
          const out = await this.answer(connection, Number(frame.fields[0]), frame.payload, client, die);
          if (out === undefined || dead) return;
          channel.write(noise + out);
          noise = '';
        });
      }
    });
    channel.on('end', () => {
      void work.then(() => die('', 0));
    });
  }

  /** One request: the response frame, or undefined when the process hangs, crashes or the link drops. */
  private async answer(connection: number, id: number, payload: string, client: Connection, die: (stderr: string, code: number) => void): Promise<string | undefined> {
    let operation = 'unknown';
    let target = '';
    let argNames: string[] = [];
    this.stats.requests += 1;
    try {
      const inv = parseRequest(payload);
      if (this.options.recordInvocations) this.invocations.push(inv);
      operation = inv.operation;
      argNames = Object.keys(inv.args);
      target = [inv.bound.Id, inv.bound.Name, inv.bound.Path].filter((v) => typeof v === 'string' && v !== '').join(' ');
      const rule = this.faults.match(operation, [target, ...argNames.map((n) => String(inv.bound[n] ?? ''))].filter((t) => t !== ''));
      if (rule) {
        if (rule.delayMs) await this.clock.sleep(rule.delayMs);
        this.log.add({ connection, op: operation, target, argNames, outcome: 'fault', message: rule.kind ?? 'error' });
        switch (rule.kind ?? 'error') {
          case 'hang':
            return new Promise<undefined>(() => undefined); // never answers; the client's timeout closes the channel
          case 'drop':
            client.end();
            return undefined;
          case 'crash':
            die(clixmlError(rule.error ?? 'simulated crash'), 1);
            return undefined;
          default:
            throw new SimScriptError(rule.error ?? 'simulated failure');
        }
      }
      const handler = handlers[operation];
      if (!handler) throw new SimScriptError(`simulator: no handler for ${inv.script}`);
      const result = await handler(this.context, inv.bound);
      this.log.add({ connection, op: operation, target, argNames, outcome: 'ok' });
      return renderEnvelope(id, { ok: true, result });
    } catch (error) {
      const message = (error as Error).message;
      const errorId = error instanceof SimScriptError ? error.errorId : error instanceof BindError ? 'NamedParameterNotFound' : 'RuntimeException';
      // Only the error kind is logged: a message can quote an argument value.
      const reason = /^virtseal:([a-z_]+):/.exec(message)?.[1] ?? (error instanceof BindError ? 'parameter_binding' : 'script_error');
      this.log.add({ connection, op: operation, target, argNames, outcome: 'error', message: reason });
      const envelope = { ok: false, error: { message, type: 'System.Management.Automation.RuntimeException', errorId, category: 'OperationStopped', script: `${operation}.ps1`, line: 0 } };
      return renderEnvelope(id, envelope);
    }
  }
}

/** Parses the given host key, or makes a fresh ed25519 one (ssh2's generator now and then emits a key its own parser
 * rejects, so a fresh key is retried). */
function loadHostKey(given: string | undefined): { hostKey: string; publicBlob: Buffer } {
  for (let attempt = 0; ; attempt += 1) {
    const hostKey = given ?? ssh2.utils.generateKeyPairSync('ed25519').private;
    const parsed = ssh2.utils.parseKey(hostKey);
    if (!(parsed instanceof Error)) return { hostKey, publicBlob: (Array.isArray(parsed) ? parsed[0] : parsed).getPublicSSH() };
    if (given !== undefined || attempt >= 10) throw parsed;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
