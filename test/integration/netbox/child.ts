import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually } from './events';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** The real CLI entry (src/cli/main.ts), run from source. */
const ENTRY = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));

/** `virtseal netbox serve` as a real child process; `url` comes from its "listening" log line. */
export class ServeProcess {
  readonly child: ChildProcess;
  stderr = '';
  stdout = '';
  url = '';

  constructor(args: readonly string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'netbox', 'serve', '--port', '0', ...args], {
      cwd: REPO,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (c: Buffer) => (this.stdout += c.toString()));
    this.child.stderr!.on('data', (c: Buffer) => {
      this.stderr += c.toString();
      const m = /"msg":"listening","url":"([^"]+)"/.exec(this.stderr);
      if (m) this.url = m[1]!;
    });
  }

  async ready(): Promise<this> {
    await eventually(() => this.url !== '' || this.child.exitCode !== null, 'the bridge to listen', 30_000);
    if (!this.url) throw new Error(`serve exited: ${this.stderr}`);
    return this;
  }

  /** Kill by pid with SIGKILL: no shutdown code runs. */
  async kill(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    process.kill(this.child.pid!, 'SIGKILL');
    await exited;
  }

  /** SIGTERM: graceful stop; resolves to the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((r) => this.child.once('exit', (code) => r(code)));
    process.kill(this.child.pid!, 'SIGTERM');
    return exited;
  }
}

/** Run another `virtseal netbox ...` subcommand to completion. */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', ENTRY, 'netbox', ...args],
      { cwd: REPO, env: { PATH: process.env.PATH, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
