/**
 * A real OpenSSH server on loopback for transport tests against a POSIX host: its own host key, config and
 * authorized_keys in a temp dir, an ephemeral port, stopped by pid. Skips (with the reason) when sshd cannot run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { connect as netConnect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface Sshd {
  readonly port: number;
  readonly user: string;
  readonly dir: string;
  readonly clientKey: string;
  readonly clientKeyEncrypted: string;
  readonly passphrase: string;
  readonly clientPublicKey: string;
  readonly hostPublicKeyLine: string;
  stop(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function sshdUnavailable(): string | undefined {
  if (!existsSync('/usr/sbin/sshd')) return 'openssh-server is not installed (build/install-deps.sh installs it)';
  if (process.getuid?.() !== 0) return 'sshd on loopback needs root to switch to the test user';
  return undefined;
}

export async function startSshd(): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), 'virtseal-sshd-'));
  const passphrase = 'correct horse';
  const keygen = (file: string, pass = ''): void => {
    const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', pass, '-f', file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
  };
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'client_key'));
  keygen(join(dir, 'client_key_enc'), passphrase);
  writeFileSync(
    join(dir, 'authorized_keys'),
    readFileSync(join(dir, 'client_key.pub'), 'utf8') + readFileSync(join(dir, 'client_key_enc.pub'), 'utf8'),
    { mode: 0o600 },
  );
  mkdirSync('/run/sshd', { recursive: true });
  const port = await freePort();
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'PermitRootLogin prohibit-password',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  // Wait until the port accepts connections.
  for (let i = 0; i < 400; i += 1) {
    const up = await new Promise<boolean>((resolve) => {
      const s = netConnect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null) throw new Error(`sshd exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const hostPub = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim().split(/\s+/);
  return {
    port,
    user: userInfo().username,
    dir,
    clientKey: readFileSync(join(dir, 'client_key'), 'utf8'),
    clientKeyEncrypted: readFileSync(join(dir, 'client_key_enc'), 'utf8'),
    passphrase,
    clientPublicKey: readFileSync(join(dir, 'client_key.pub'), 'utf8').trim(),
    hostPublicKeyLine: `[127.0.0.1]:${port} ${hostPub[0]} ${hostPub[1]}`,
    stop() {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
