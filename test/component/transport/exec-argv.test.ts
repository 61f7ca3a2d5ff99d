/** execArgv against a real OpenSSH server: every argument arrives as one argument, nothing is interpreted. */
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { AuthFailed, HostKeyMismatch } from '../../../src/core/errors';
import { SshConnection } from '../../../src/transport/ssh-connection';
import { quotePosixArg, quotePosixArgv } from '../../../src/transport/posix-quote';
import { startSshd, sshdUnavailable, type Sshd } from './sshd-fixture';

const HOSTILE = [
  "O'Brien",
  'a b',
  '$(touch /tmp/virtseal-pwned)',
  '"; rm -rf /',
  '`id`',
  'Привет',
  '🚀✨',
  'x'.repeat(5120),
  '',
  '\n\t',
  '*',
  '~',
  '--help',
  '-e',
];

describe('transport/posix-quote', () => {
  it('single-quotes every argument and escapes embedded quotes', () => {
    expect(quotePosixArg("O'Brien")).to.equal(`'O'\\''Brien'`);
    expect(quotePosixArgv(['ls', '-l', 'a b'])).to.equal(`'ls' '-l' 'a b'`);
    expect(() => quotePosixArg('a\0b')).to.throw(/NUL/);
    expect(() => quotePosixArgv([])).to.throw(/empty/);
  });

  it('round-trips hostile arguments through /bin/sh -c', () => {
    const r = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${quotePosixArgv(HOSTILE)}`], { encoding: 'utf8' });
    expect(r.stdout.split('\0').slice(0, -1)).to.deep.equal(HOSTILE);
  });
});

describe('transport/ssh-connection against OpenSSH on loopback', () => {
  let sshd: Sshd | undefined;
  let dir: string;
  before(async function () {
    const reason = sshdUnavailable();
    if (reason) {
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
    sshd = await startSshd();
    dir = mkdtempSync(join(tmpdir(), 'virtseal-exec-'));
  });
  after(() => {
    sshd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const connect = (extra: Record<string, unknown> = {}) =>
    SshConnection.connect({
      host: '127.0.0.1',
      port: sshd!.port,
      user: sshd!.user,
      privateKey: sshd!.clientKey,
      acceptUnknownHostKey: true,
      ...extra,
    });

  it('execArgv passes hostile arguments intact and runs none of them', async () => {
    const conn = await connect();
    try {
      const r = await conn.execArgv(['printf', '%s\\0', ...HOSTILE]);
      expect(r.code).to.equal(0);
      expect(r.stdout.toString('utf8').split('\0').slice(0, -1)).to.deep.equal(HOSTILE);
      expect(existsSync('/tmp/virtseal-pwned')).to.equal(false);
      const cat = await conn.execArgv(['cat'], { stdin: 'from stdin ✓' });
      expect(cat.stdout.toString('utf8')).to.equal('from stdin ✓');
      const fail = await conn.execArgv(['sh', '-c', 'exit 3']);
      expect(fail.code).to.equal(3);
      expect(conn.stats).to.deep.include({ connects: 1, execs: 3 });
    } finally {
      await conn.close();
    }
  });

  it('authenticates with an encrypted private key and its passphrase, and fails clearly without it', async () => {
    const conn = await connect({ privateKey: sshd!.clientKeyEncrypted, passphrase: sshd!.passphrase });
    await conn.close();
    const error = await connect({ privateKey: sshd!.clientKeyEncrypted, passphrase: 'wrong' }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(AuthFailed);
  });

  it('authenticates through an SSH agent', async () => {
    const socket = join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 250 && !existsSync(socket); i += 1) await new Promise((r) => setTimeout(r, 20));
      const keyFile = join(dir, 'agent_key');
      writeFileSync(keyFile, sshd!.clientKey, { mode: 0o600 });
      const add = spawnSync('ssh-add', [keyFile], { env: { ...process.env, SSH_AUTH_SOCK: socket }, encoding: 'utf8' });
      expect(add.status, add.stderr).to.equal(0);
      const conn = await SshConnection.connect({
        host: '127.0.0.1',
        port: sshd!.port,
        user: sshd!.user,
        agent: socket,
        acceptUnknownHostKey: true,
      });
      expect((await conn.execArgv(['echo', 'agent ok'])).stdout.toString()).to.equal('agent ok\n');
      await conn.close();
    } finally {
      if (agent.pid !== undefined) process.kill(agent.pid, 'SIGTERM');
    }
  });

  it('trusts a host key listed in known_hosts and refuses a changed one', async () => {
    const good = join(dir, 'known_hosts');
    writeFileSync(good, `${sshd!.hostPublicKeyLine}\n`);
    const conn = await connect({ acceptUnknownHostKey: false, knownHostsFile: good });
    await conn.close();
    const bad = join(dir, 'known_hosts_bad');
    writeFileSync(
      bad,
      `[127.0.0.1]:${sshd!.port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherKeyOtherKeyOtherKeyOtherKeyOtherKeyOthe\n`,
    );
    const error = await connect({ acceptUnknownHostKey: false, knownHostsFile: bad }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(HostKeyMismatch);
    expect((error as Error).message).to.match(/known_hosts/);
  });
});
