/**
 * Runs static PowerShell scripts on a Windows host over one SSH connection. The exec command is a fixed bootstrap
 * (`powershell.exe -NoProfile -NonInteractive -EncodedCommand <b64>`, only letters, digits, `+/=-` and spaces, so
 * cmd, powershell and pwsh DefaultShells pass it unchanged). Everything else travels on stdin as 7-bit ASCII lines:
 *   1. base64 of the runner (runner.ps1), 2. the script's file name, 3. base64 of the script's UTF-8 text,
 *   4. the arguments as one JSON object with every non-ASCII character escaped as \uXXXX,
 *   5./6. optionally a prelude (shared functions of a script family): its name and base64 text.
 * The runner prints one JSON envelope after a sentinel line; anything before it (profile noise) is ignored.
 */
import { ScriptFailed, VirtsealError } from '../core/errors';
import { decodeClixmlErrors, firstLine } from './clixml';
import { embeddedScripts } from './powershell/scripts.generated';
import type { SshConnection } from './ssh-connection';

export const RESULT_SENTINEL = '__VIRTSEAL_RESULT__';
export const RUNNER_TEXT = embeddedScripts['runner.ps1']!;

/** Bootstrap program text: collects stdin and hands the lines to the runner sent on line 1. */
export const BOOTSTRAP_TEXT =
  "$ProgressPreference='SilentlyContinue';$l=@($input);" +
  '& ([ScriptBlock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($l[0])))) $l';

export type PowerShellExecutable = 'powershell.exe' | 'pwsh.exe';

export function bootstrapCommand(executable: PowerShellExecutable = 'powershell.exe'): string {
  return `${executable} -NoProfile -NonInteractive -EncodedCommand ${Buffer.from(BOOTSTRAP_TEXT, 'utf16le').toString('base64')}`;
}

export interface PsScript {
  /** File name, e.g. `vm-create.ps1`; shows in PowerShell error positions. */
  readonly name: string;
  readonly text: string;
  /** Shared functions dot-sourced before the script runs. */
  readonly prelude?: { readonly name: string; readonly text: string };
}

/** JSON with every character outside printable ASCII escaped, so no code page can alter it. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function encodeStdin(script: PsScript, args: Readonly<Record<string, unknown>>): string {
  if (!/^[A-Za-z0-9._-]+$/.test(script.name)) throw new Error(`script name ${script.name} is not a plain file name`);
  return [
    Buffer.from(RUNNER_TEXT, 'utf8').toString('base64'),
    script.name,
    Buffer.from(script.text, 'utf8').toString('base64'),
    asciiJson(args),
    ...(script.prelude ? [script.prelude.name, Buffer.from(script.prelude.text, 'utf8').toString('base64')] : []),
  ].join('\n') + '\n';
}

export interface ScriptErrorRecord {
  readonly message: string;
  readonly type?: string;
  readonly errorId?: string;
  readonly category?: string;
  readonly script?: string;
  readonly line?: number;
}

export type Envelope = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: ScriptErrorRecord };

/** Finds the last sentinel line and parses the JSON line after it; undefined when there is none. */
export function parseEnvelope(stdout: string): Envelope | undefined {
  const marker = `\n${RESULT_SENTINEL}\n`;
  const at = stdout.replace(/\r\n/g, '\n').lastIndexOf(marker);
  if (at < 0) return undefined;
  const line = stdout.replace(/\r\n/g, '\n').slice(at + marker.length).split('\n')[0]!;
  try {
    return JSON.parse(line) as Envelope;
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

export class PowerShellRunner {
  readonly history: RunRecord[] = [];

  constructor(
    readonly connection: SshConnection,
    private readonly settings: { readonly executable?: PowerShellExecutable; readonly timeoutMs?: number } = {},
  ) {}

  async run<T>(script: PsScript, args: Readonly<Record<string, unknown>>, options: RunOptions = {}): Promise<T> {
    this.history.push({ script: script.name, display: displayCall(script.name, args, options.secretArgs ?? []) });
    const result = await this.connection.exec(bootstrapCommand(this.settings.executable), {
      stdin: encodeStdin(script, args),
      timeoutMs: options.timeoutMs ?? this.settings.timeoutMs ?? 300_000,
      what: script.name,
    });
    const envelope = parseEnvelope(result.stdout.toString('utf8'));
    if (envelope?.ok === true) return envelope.result as T;
    throw scriptError(script.name, envelope, result.stderr.toString('utf8'), result.code);
  }
}

function scriptError(name: string, envelope: Envelope | undefined, stderr: string, code: number | null): VirtsealError {
  if (envelope && !envelope.ok) {
    const e = envelope.error;
    const where = e.line ? ` (line ${e.line})` : '';
    const message = oneLine(e.message);
    return new ScriptFailed(`${name}: ${message}${where}`, {
      details: { script: name, scriptMessage: message, errorId: e.errorId, type: e.type, category: e.category },
    });
  }
  const decoded = firstLine(decodeClixmlErrors(stderr));
  return new ScriptFailed(`${name}: ${oneLine(decoded) || `PowerShell exited with code ${code ?? 'none'} and no result`}`, {
    details: { script: name, exitCode: code },
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
