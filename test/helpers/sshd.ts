/**
 * An OpenSSH server on loopback for tests: its own host key, client key and config in a temporary directory, an
 * ephemeral port, stopped by pid. Logs in as the current user with the generated key.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface TestSshd {
  readonly port: number;
  readonly user: string;
  readonly keyFile: string;
  readonly dir: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

const SSHD = '/usr/sbin/sshd';

/** `extraConfig`: more sshd_config lines (e.g. `SetEnv PATH=...` to put test programs on the session's PATH). */
export async function startSshd(extraConfig: readonly string[] = []): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'virtseal-sshd-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')), { mode: 0o600 });
  // sshd refuses to start without its privilege separation directory (absent when no init system created it).
  if (!existsSync('/run/sshd') && process.getuid?.() === 0) mkdirSync('/run/sshd', { mode: 0o755 });
  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const config = [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      'UsePAM no',
      'LogLevel ERROR',
      'Subsystem sftp internal-sftp',
      'MaxSessions 50',
      'MaxStartups 50',
      ...extraConfig,
    ].join('\n');
    writeFileSync(join(dir, 'sshd_config'), `${config}\n`);
    const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    for (let i = 0; i < 100 && child.exitCode === null; i++) {
      if (await canConnect(port)) {
        return {
          port,
          user: userInfo().username,
          keyFile: join(dir, 'client_key'),
          dir,
          async stop() {
            if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
            await exited;
            rmSync(dir, { recursive: true, force: true });
          },
        };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
    await exited;
    lastError = stderr;
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`sshd did not start: ${lastError}`);
}
