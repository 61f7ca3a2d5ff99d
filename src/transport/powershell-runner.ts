/**
 * Runs static PowerShell scripts on a Windows host with one PowerShell process per SSH connection (per module run),
 * so the Hyper-V module loads once, not once per operation. The exec command is a fixed bootstrap
 * (`powershell.exe -NoProfile -NonInteractive -EncodedCommand <b64>`, only letters, digits, `+/=-` and spaces, so
 * cmd, powershell and pwsh DefaultShells pass it unchanged). Everything else travels on stdin as 7-bit ASCII: first a
 * line with the base64 of the runner (runner.ps1), then one framed request per operation (ps-frames.ts): the script's
 * name and base64 UTF-8 text, the optional prelude, and the arguments as JSON with every non-ASCII character escaped.
 * Each answer comes back as a framed envelope (base64 of UTF-8 JSON); anything else on stdout (profile noise) is skipped.
 * If the process dies, the request in hand fails with one line and the next operation starts a fresh process.
 */
import { HostUnreachable, OperationTimeout, ScriptFailed, type VirtsealError } from '../core/errors';
import { decodeClixmlErrors, firstLine } from './clixml';
import { asciiJson, encodeFrame, FrameScanner, REQUEST_MARKER, RESULT_SENTINEL } from './ps-frames';
import { sshLauncher, type PsLauncher, type PsProcess, type PsProcessEnd } from './ps-process';
import { embeddedScripts } from './powershell/scripts.generated';
import { SshConnection } from './ssh-connection';

export { asciiJson, RESULT_SENTINEL } from './ps-frames';
export const RUNNER_TEXT = embeddedScripts['runner.ps1']!;

/**
 * Bootstrap program text: opens a UTF-8 reader over the raw stdin handle (not `$input`, which only yields lines to a
 * script after the host has read them, nor `[Console]::In`, whose decoding follows the console code page on 5.1),
 * reads line 1 (the runner) and hands the reader to it.
 */
export const BOOTSTRAP_TEXT =
  "$ProgressPreference='SilentlyContinue';" +
  '$r=New-Object IO.StreamReader([Console]::OpenStandardInput(),(New-Object Text.UTF8Encoding $false));' +
  '& ([ScriptBlock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($r.ReadLine())))) $r';

export type PowerShellExecutable = 'powershell.exe' | 'pwsh.exe';

export function encodedBootstrap(): string {
  return Buffer.from(BOOTSTRAP_TEXT, 'utf16le').toString('base64');
}

export function bootstrapCommand(executable: PowerShellExecutable = 'powershell.exe'): string {
  return `${executable} -NoProfile -NonInteractive -EncodedCommand ${encodedBootstrap()}`;
}

export interface PsScript {
  /** File name, e.g. `vm-create.ps1`; shows in PowerShell error positions. */
  readonly name: string;
  readonly text: string;
  /** Shared functions dot-sourced (into the request's own scope) before the script runs. */
  readonly prelude?: { readonly name: string; readonly text: string };
}

/** The JSON a request frame carries. */
export interface RequestPayload {
  readonly id: number;
  readonly name: string;
  /** Base64 of the script's UTF-8 text. */
  readonly script: string;
  readonly prelude: { readonly name: string; readonly script: string } | null;
  readonly args: Readonly<Record<string, unknown>>;
}

const PLAIN_NAME = /^[A-Za-z0-9._-]+$/;

export function requestPayload(id: number, script: PsScript, args: Readonly<Record<string, unknown>>): RequestPayload {
  if (!PLAIN_NAME.test(script.name)) throw new Error(`script name ${script.name} is not a plain file name`);
  if (script.prelude && !PLAIN_NAME.test(script.prelude.name))
    throw new Error(`prelude name ${script.prelude.name} is not a plain file name`);
  return {
    id,
    name: script.name,
    script: Buffer.from(script.text, 'utf8').toString('base64'),
    prelude: script.prelude
      ? { name: script.prelude.name, script: Buffer.from(script.prelude.text, 'utf8').toString('base64') }
      : null,
    args,
  };
}

/** One request frame (7-bit ASCII). */
export function encodeRequest(id: number, script: PsScript, args: Readonly<Record<string, unknown>>): string {
  return encodeFrame(REQUEST_MARKER, [id], asciiJson(requestPayload(id, script, args)));
}

/** The runner line that starts every process. */
export function runnerLine(): string {
  return `${Buffer.from(RUNNER_TEXT, 'utf8').toString('base64')}\n`;
}

/** Whole stdin of a one-shot process that runs one request and exits at EOF. */
export function encodeStdin(script: PsScript, args: Readonly<Record<string, unknown>>, id = 1): string {
  return runnerLine() + encodeRequest(id, script, args);
}

export interface ScriptErrorRecord {
  readonly message: string;
  readonly type?: string;
  readonly errorId?: string;
  readonly category?: string;
  readonly script?: string;
  readonly line?: number;
}

export type Envelope =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error: ScriptErrorRecord };

/** A response frame's payload: base64 of the UTF-8 JSON envelope. */
export function decodeResponse(payload: string): Envelope {
  return JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as Envelope;
}

/** The envelope of the last response frame in a one-shot process's stdout; undefined when there is none. */
export function parseEnvelope(stdout: string): Envelope | undefined {
  const frames = new FrameScanner(RESULT_SENTINEL).push(stdout);
  const last = frames[frames.length - 1];
  if (!last) return undefined;
  try {
    return decodeResponse(last.payload);
  } catch {
    return undefined;
  }
}

export interface RunRecord {
  readonly script: string;
  /** Redacted display of the call: parameter names with values, secrets as ********. */
  readonly display: string;
}

export interface RunOptions {
  /** Default: the runner's default (300,000 ms). */
  readonly timeoutMs?: number;
  /** Parameter names whose values are secret: never displayed. */
  readonly secretArgs?: readonly string[];
}

export interface RunnerSettings {
  readonly executable?: PowerShellExecutable;
  readonly timeoutMs?: number;
  /**
   * Start a fresh process for every operation instead of keeping one per connection (the old behaviour; kept as the
   * baseline of `npm run bench hyperv`). Default false.
   */
  readonly processPerOperation?: boolean;
}

export interface RunnerStats {
  /** PowerShell processes started. */
  processes: number;
  /** Requests sent. */
  requests: number;
}

interface Pending {
  readonly id: number;
  readonly name: string;
  readonly resolve: (envelope: Envelope) => void;
  readonly reject: (error: unknown) => void;
}

/** Keeps stderr for crash reports without letting a chatty process grow memory. */
const STDERR_KEEP = 64 * 1024;

/** One running PowerShell process serving requests one at a time. */
class RunnerProcess {
  private readonly scanner = new FrameScanner(RESULT_SENTINEL);
  private stderr = '';
  private pending: Pending | undefined;
  private ended: PsProcessEnd | undefined;
  /** Set when we stopped it: no request goes to it any more, even before its end is reported. */
  private killed = false;

  constructor(
    private readonly process: PsProcess,
    private readonly target: string,
    private readonly executable: string,
  ) {
    process.onStdout((chunk) => this.onStdout(chunk.toString('latin1')));
    process.onStderr((chunk) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
    process.onEnd((end) => this.onEnd(end));
    process.write(runnerLine());
  }

  get alive(): boolean {
    return this.ended === undefined && !this.killed;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  request(
    id: number,
    script: PsScript,
    args: Readonly<Record<string, unknown>>,
    timeoutMs: number,
    endAfter: boolean,
  ): Promise<Envelope> {
    const frame = encodeRequest(id, script, args);
    return new Promise<Envelope>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending?.id !== id) return;
        this.pending = undefined;
        this.kill();
        reject(
          new OperationTimeout(
            `${script.name} on ${this.target} did not finish within ${Math.round(timeoutMs / 1000)} s`,
          ),
        );
      }, timeoutMs);
      this.pending = {
        id,
        name: script.name,
        resolve: (envelope) => {
          clearTimeout(timer);
          resolve(envelope);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      if (this.ended) return this.onEnd(this.ended);
      this.process.write(frame);
      if (endAfter) this.process.end();
    });
  }

  /** Close stdin; the runner exits once it reads EOF. */
  end(): void {
    this.process.end();
  }

  kill(): void {
    this.killed = true;
    this.process.kill();
  }

  private onStdout(text: string): void {
    for (const frame of this.scanner.push(text)) {
      const pending = this.pending;
      if (!pending || frame.fields[0] !== String(pending.id)) continue; // an answer nobody waits for any more
      this.pending = undefined;
      try {
        pending.resolve(decodeResponse(frame.payload));
      } catch (error) {
        pending.reject(
          new ScriptFailed(`${pending.name}: the runner's answer is not JSON (${(error as Error).message})`, {
            details: { script: pending.name },
          }),
        );
      }
    }
  }

  private onEnd(end: PsProcessEnd): void {
    this.ended = end;
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    if (end.lost) {
      pending.reject(new HostUnreachable(`connection to ${this.target} was lost while running ${pending.name}`));
      return;
    }
    const decoded = oneLine(firstLine(decodeClixmlErrors(this.stderr)) || end.message || '');
    const how = end.code === null ? 'ended' : `exited with code ${end.code}`;
    pending.reject(
      new ScriptFailed(
        `${pending.name}: the ${this.executable} process ${how} before answering${decoded ? `: ${decoded}` : ''}`,
        {
          details: { script: pending.name, exitCode: end.code },
        },
      ),
    );
  }
}

export class PowerShellRunner {
  readonly history: RunRecord[] = [];
  readonly stats: RunnerStats = { processes: 0, requests: 0 };
  /** The SSH connection, when the runner talks to a remote host. */
  readonly connection: SshConnection | undefined;
  private readonly launcher: PsLauncher;
  private current: RunnerProcess | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;

  constructor(
    host: SshConnection | PsLauncher,
    private readonly settings: RunnerSettings = {},
  ) {
    this.connection = host instanceof SshConnection ? host : undefined;
    this.launcher = host instanceof SshConnection ? sshLauncher(host) : host;
  }

  /** Local pid of the current process (local launcher only): tests use it to kill the process. */
  get pid(): number | undefined {
    return this.current?.alive ? this.current.pid : undefined;
  }

  run<T>(script: PsScript, args: Readonly<Record<string, unknown>>, options: RunOptions = {}): Promise<T> {
    this.history.push({ script: script.name, display: displayCall(script.name, args, options.secretArgs ?? []) });
    // One process serves one request at a time: calls queue in order.
    const result = this.queue.then(() => this.runNow<T>(script, args, options));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Ends the process (stdin EOF: it finishes and exits). Later runs start a new one. */
  async close(): Promise<void> {
    await this.queue;
    this.current?.end();
    this.current = undefined;
  }

  private async runNow<T>(script: PsScript, args: Readonly<Record<string, unknown>>, options: RunOptions): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.settings.timeoutMs ?? 300_000;
    const perOperation = this.settings.processPerOperation === true;
    if (perOperation || !this.current?.alive) this.current = await this.startProcess(script.name);
    const process = this.current;
    const id = this.nextId++;
    this.stats.requests += 1;
    const envelope = await process.request(id, script, args, timeoutMs, perOperation);
    if (envelope.ok === true) return envelope.result as T;
    throw scriptError(script.name, envelope);
  }

  private async startProcess(what: string): Promise<RunnerProcess> {
    const executable = this.settings.executable ?? 'powershell.exe';
    const process = await this.launcher.start(executable, encodedBootstrap(), what);
    this.stats.processes += 1;
    return new RunnerProcess(process, this.launcher.target, executable);
  }
}

function scriptError(name: string, envelope: Envelope): VirtsealError {
  if (envelope.ok) throw new TypeError('not an error envelope');
  const e = envelope.error;
  // The position names the file the error came from when that is the prelude rather than the script.
  const file = e.script && e.script !== name ? `${e.script} ` : '';
  const where = e.line ? ` (${file}line ${e.line})` : '';
  const message = oneLine(e.message);
  return new ScriptFailed(`${name}: ${message}${where}`, {
    details: {
      script: name,
      file: e.script ?? name,
      scriptMessage: message,
      errorId: e.errorId,
      type: e.type,
      category: e.category,
    },
  });
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

export function displayCall(name: string, args: Readonly<Record<string, unknown>>, secret: readonly string[]): string {
  const parts = Object.entries(args).map(([k, v]) => {
    if (secret.includes(k)) return `-${k} ********`;
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    return `-${k} ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`;
  });
  return [name, ...parts].join(' ');
}
