/**
 * Where the long-lived PowerShell runner process lives: behind an SSH exec channel on a Windows host (the normal
 * case), or as a local child process (pwsh on this machine: tests and benchmarks of the runner itself). Either way
 * the runner gets the same fixed bootstrap command and talks through stdin/stdout only.
 */
import { spawn } from 'node:child_process';
import type { ClientChannel } from 'ssh2';
import type { SshConnection } from './ssh-connection';

export interface PsProcessEnd {
  /** Exit code, or null when none was reported. */
  readonly code: number | null;
  /** True when the link to the process was cut (SSH channel closed without an exit status). */
  readonly lost: boolean;
  /** Why the process could not start or run, when known (e.g. `spawn pwsh ENOENT`). */
  readonly message?: string;
}

export interface PsProcess {
  /** Local pid when known (local launcher only). */
  readonly pid?: number;
  write(data: string): void;
  /** Close stdin: the runner finishes the request in hand and exits. */
  end(): void;
  /** Stop it now (local: SIGKILL; SSH: close the channel — on Windows the remote process may linger, W#1751). */
  kill(): void;
  onStdout(listener: (chunk: Buffer) => void): void;
  onStderr(listener: (chunk: Buffer) => void): void;
  onEnd(listener: (end: PsProcessEnd) => void): void;
}

export interface PsLauncher {
  /** For messages: `user@host:port` or `local pwsh`. */
  readonly target: string;
  /** Starts `<executable> -NoProfile -NonInteractive -EncodedCommand <encodedCommand>`. */
  start(executable: string, encodedCommand: string, what: string): Promise<PsProcess>;
}

/** The runner behind an exec channel of the module run's one SSH connection. */
export function sshLauncher(connection: SshConnection): PsLauncher {
  return {
    get target() {
      return connection.target;
    },
    async start(executable, encodedCommand, what) {
      const channel = await connection.openExec(
        `${executable} -NoProfile -NonInteractive -EncodedCommand ${encodedCommand}`,
        what,
      );
      return channelProcess(channel);
    },
  };
}

function channelProcess(channel: ClientChannel): PsProcess {
  let code: number | null = null;
  let exited = false;
  let ended = false;
  const endListeners: ((end: PsProcessEnd) => void)[] = [];
  const finish = (): void => {
    if (ended) return;
    ended = true;
    for (const l of endListeners) l({ code, lost: !exited });
  };
  channel.on('exit', (exitCode: number | null) => {
    exited = true;
    code = typeof exitCode === 'number' ? exitCode : null;
  });
  channel.on('close', finish);
  channel.on('error', finish);
  return {
    write: (data) => {
      if (!ended) channel.write(data);
    },
    end: () => {
      if (!ended) channel.end();
    },
    kill: () => {
      if (!ended) channel.close();
    },
    onStdout: (l) => channel.on('data', l),
    onStderr: (l) => channel.stderr.on('data', l),
    onEnd: (l) => endListeners.push(l),
  };
}

/**
 * The runner as a child process of this machine: `powershell.exe`/`pwsh.exe` in the command map to `executablePath`
 * (default `pwsh` on PATH). Never a shell: the arguments go to the program as a vector.
 */
export function localLauncher(executablePath = 'pwsh', env: NodeJS.ProcessEnv = process.env): PsLauncher {
  return {
    target: `local ${executablePath}`,
    start(_executable, encodedCommand) {
      const child = spawn(executablePath, ['-NoProfile', '-NonInteractive', '-EncodedCommand', encodedCommand], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env,
        shell: false,
      });
      let ended = false;
      const endListeners: ((end: PsProcessEnd) => void)[] = [];
      const finish = (code: number | null, message?: string): void => {
        if (ended) return;
        ended = true;
        for (const l of endListeners) l({ code, lost: false, ...(message ? { message } : {}) });
      };
      child.on('close', (code) => finish(code));
      child.on('error', (error) => finish(null, `cannot run ${executablePath}: ${error.message}`));
      child.stdin.on('error', () => undefined); // the process died before reading everything
      return Promise.resolve({
        pid: child.pid,
        write: (data: string) => {
          if (!ended) child.stdin.write(data);
        },
        end: () => {
          if (!ended) child.stdin.end();
        },
        kill: () => {
          if (!ended) child.kill('SIGKILL');
        },
        onStdout: (l: (chunk: Buffer) => void) => child.stdout.on('data', l),
        onStderr: (l: (chunk: Buffer) => void) => child.stderr.on('data', l),
        onEnd: (l: (end: PsProcessEnd) => void) => endListeners.push(l),
      });
    },
  };
}
