/**
 * One Hyper-V host session: the SSH connection and the PowerShell runner every noun driver shares, and the mapping of
 * script errors thrown as `virtseal:<reason>: <message>` to virtsealError subclasses.
 */
import {
  Conflict,
  GuestTimeout,
  InvalidArgument,
  NotFound,
  OperationTimeout,
  ScriptFailed,
  VirtsealError,
} from '../../core/errors';
import type { SshConnection } from '../../transport/ssh-connection';
import { PowerShellRunner, type PowerShellExecutable, type RunOptions } from '../../transport/powershell-runner';
import { hypervScript, type HyperVScriptName } from './scripts';

export interface HyperVSettings {
  /** Folder of published golden images on the host. Default `C:\ProgramData\virtseal\images`. */
  readonly imageLibraryPath: string;
  /** Default script timeout, 300,000 ms. */
  readonly scriptTimeoutMs: number;
  /** Windows PowerShell 5.1 (`powershell.exe`, default) or PowerShell 7 (`pwsh.exe`); the runner supports both. */
  readonly executable?: PowerShellExecutable;
}

export const defaultHyperVSettings: HyperVSettings = {
  imageLibraryPath: 'C:\\ProgramData\\virtseal\\images',
  scriptTimeoutMs: 300_000,
};

export class HyperVSession {
  readonly runner: PowerShellRunner;

  constructor(
    readonly connection: SshConnection,
    readonly settings: HyperVSettings = defaultHyperVSettings,
  ) {
    this.runner = new PowerShellRunner(connection, {
      timeoutMs: settings.scriptTimeoutMs,
      ...(settings.executable ? { executable: settings.executable } : {}),
    });
  }

  async run<T>(name: HyperVScriptName, args: Readonly<Record<string, unknown>>, options: RunOptions = {}): Promise<T> {
    try {
      return await this.runner.run<T>(hypervScript(name), args, options);
    } catch (error) {
      throw mapScriptError(error);
    }
  }
}

const REASON = /^virtseal:([a-z_]+): ([\s\S]*)$/;

export function mapScriptError(error: unknown): unknown {
  if (!(error instanceof ScriptFailed)) return error;
  const raw = String(error.details.scriptMessage ?? '');
  const match = REASON.exec(raw);
  if (!match) return error;
  const [, reason, message] = match as unknown as [string, string, string];
  const options = { cause: error, details: error.details };
  switch (reason) {
    case 'not_found':
      return new NotFound(message, options);
    case 'conflict':
      return new Conflict(message, options);
    case 'timeout':
      return new OperationTimeout(message, options);
    case 'guest_timeout':
      return new GuestTimeout(message, options);
    default:
      return new VirtsealError(reason, `${String(error.details.script)}: ${message}`, options);
  }
}

/** Windows path join with backslashes. */
export function winJoin(...parts: string[]): string {
  return parts.map((p, i) => (i === 0 ? p.replace(/[\\/]+$/, '') : p.replace(/^[\\/]+|[\\/]+$/g, ''))).join('\\');
}

/** SFTP form of a Windows path: `C:\x\y` → `/C:/x/y` (Win32-OpenSSH's canonical form). */
export function sftpPath(windowsPath: string): string {
  const slashed = windowsPath.replace(/\\/g, '/');
  return /^[A-Za-z]:/.test(slashed) ? `/${slashed}` : slashed;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function assertVmId(id: string, option = 'id'): string {
  if (!GUID.test(id)) {
    throw new InvalidArgument(
      `${option} must be a Hyper-V VM id (GUID), got ${JSON.stringify(id.slice(0, 60))}`,
      option,
    );
  }
  return id.toLowerCase();
}
