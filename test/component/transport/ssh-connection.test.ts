/** SshConnection against the simulator: auth, host key policy, failures as clear errors, reuse, timeouts. */
import { expect } from 'chai';
import { createServer, type Server } from 'node:net';
import {
  AuthFailed,
  HostKeyMismatch,
  HostUnreachable,
  InvalidArgument,
  OperationTimeout,
} from '../../../src/core/errors';
import { SshConnection, type SshConnectionOptions } from '../../../src/transport/ssh-connection';
import { bootstrapCommand, encodeStdin } from '../../../src/transport/powershell-runner';
import { hypervScript } from '../../../src/drivers/hyperv/scripts';
import { startStandardSim, type StandardSim } from '../../../src/sim/standard-sim';

describe('transport/ssh-connection', () => {
  let s: StandardSim;
  let base: SshConnectionOptions;
  before(async () => {
    s = await startStandardSim({ guestAgent: false });
    const ssh = s.sim.sshOptions();
    base = ssh;
  });
  after(() => s.stop());

  it('connects with a password to a pinned host key and reuses one connection for many execs', async () => {
    const conn = await SshConnection.connect(base);
    try {
      expect(conn.hostKeyFingerprint).to.equal(s.sim.hostKeyFingerprint);
      for (let i = 0; i < 3; i += 1) {
        const r = await conn.exec(bootstrapCommand(), { stdin: encodeStdin(hypervScript('vm-list'), {}) });
        expect(r.code).to.equal(0);
      }
      expect(conn.stats).to.deep.include({ connects: 1, execs: 3 });
    } finally {
      await conn.close();
    }
  });

  it('reports a wrong password as AuthFailed without echoing it', async () => {
    const error = await SshConnection.connect({ ...base, password: 'canary-Wr0ng-pass' }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(AuthFailed);
    expect((error as Error).message)
      .to.match(/authentication as virtseal/)
      .and.not.include('canary-Wr0ng-pass');
  });

  it('refuses a host key that differs from the pinned fingerprint', async () => {
    const error = await SshConnection.connect({ ...base, hostKeyFingerprint: `SHA256:${'A'.repeat(43)}` }).catch(
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(HostKeyMismatch);
    expect((error as Error).message).to.include(s.sim.hostKeyFingerprint);
  });

  it('refuses an unknown host key unless acceptUnknownHostKey is set', async () => {
    const { hostKeyFingerprint: _f, ...unpinned } = base;
    const error = await SshConnection.connect(unpinned).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(HostKeyMismatch);
    expect((error as Error).message).to.match(/not pinned or known/);
    const conn = await SshConnection.connect({ ...unpinned, acceptUnknownHostKey: true });
    expect(conn.hostKeyFingerprint).to.equal(s.sim.hostKeyFingerprint);
    await conn.close();
  });

  it('reports a closed port as HostUnreachable and a silent server as a handshake timeout', async () => {
    const closed = await SshConnection.connect({ ...base, port: 1 }).catch((e: unknown) => e);
    expect(closed).to.be.instanceOf(HostUnreachable);
    expect((closed as Error).message).to.match(/ECONNREFUSED/);
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (silent.address() as { port: number }).port;
      const error = await SshConnection.connect({ ...base, port, connectTimeoutMs: 300 }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(HostUnreachable);
      expect((error as Error).message).to.match(/no SSH handshake .* within 300 ms/);
    } finally {
      silent.close();
    }
  });

  it('names the option for missing credentials or a malformed fingerprint', async () => {
    const { password: _p, ...noCreds } = base;
    const missing = await SshConnection.connect(noCreds).catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(InvalidArgument);
    expect((missing as InvalidArgument).option).to.equal('password');
    const malformed = await SshConnection.connect({ ...base, hostKeyFingerprint: 'nope' }).catch((e: unknown) => e);
    expect((malformed as InvalidArgument).option).to.equal('host_key_fingerprint');
  });

  it('times out a command that never answers and stays usable afterwards', async () => {
    const conn = await SshConnection.connect(base);
    s.sim.faults.add({ operation: 'vm-list', kind: 'hang', count: 1 });
    try {
      const error = await conn
        .exec(bootstrapCommand(), {
          stdin: encodeStdin(hypervScript('vm-list'), {}),
          timeoutMs: 200,
          what: 'vm-list.ps1',
        })
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(OperationTimeout);
      expect((error as Error).message).to.match(/vm-list\.ps1 .* did not finish within/);
      // Real PowerShell may not have reached the hanging call within 200 ms: the rule goes before the next command.
      s.sim.faults.clear();
      const r = await conn.exec(bootstrapCommand(), { stdin: encodeStdin(hypervScript('vm-list'), {}) });
      expect(r.code).to.equal(0);
    } finally {
      s.sim.faults.clear();
      await conn.close();
    }
  });

  it('reports a connection dropped mid-command as HostUnreachable and reconnects on the next use', async () => {
    const conn = await SshConnection.connect(base);
    s.sim.faults.add({ operation: 'vm-list', kind: 'drop', count: 1 });
    try {
      const error = await conn
        .exec(bootstrapCommand(), { stdin: encodeStdin(hypervScript('vm-list'), {}) })
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(HostUnreachable);
      await new Promise((r) => setTimeout(r, 20));
      const r = await conn.exec(bootstrapCommand(), { stdin: encodeStdin(hypervScript('vm-list'), {}) });
      expect(r.code).to.equal(0);
      expect(conn.stats.connects).to.equal(2);
    } finally {
      s.sim.faults.clear();
      await conn.close();
    }
  });
});
