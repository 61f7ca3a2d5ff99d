/**
 * Keepalives: when the link goes silent (a proxy that stops forwarding, as a dead route would), the connection is
 * declared dead after the missed keepalive replies and the next operation fails with HostUnreachable instead of
 * hanging until its own timeout.
 */
import { expect } from 'chai';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { HostUnreachable } from '../../../src/core/errors';
import { SshConnection } from '../../../src/transport/ssh-connection';
import { bootstrapCommand, encodeStdin } from '../../../src/transport/powershell-runner';
import { hypervScript } from '../../../src/drivers/hyperv/scripts';
import { startStandardSim, type StandardSim } from '../../../src/sim/standard-sim';

describe('transport/ssh-connection keepalives', () => {
  let s: StandardSim;
  let proxy: Server;
  let frozen = false;
  const sockets: Socket[] = [];
  before(async () => {
    s = await startStandardSim({ guestAgent: false });
    proxy = createServer((client) => {
      const upstream = connect(s.sim.port, s.sim.host);
      sockets.push(client, upstream);
      client.on('data', (d) => {
        if (!frozen) upstream.write(d);
      });
      upstream.on('data', (d) => {
        if (!frozen) client.write(d);
      });
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    proxy.close();
    await s.stop();
  });

  it('declares a silent link dead and fails the next operation fast', async function () {
    // Fails by this mocha timeout, not by a measured duration, if the operation hangs on the dead link.
    this.timeout(20_000);
    const ssh = s.sim.sshOptions();
    const port = (proxy.address() as { port: number }).port;
    const conn = await SshConnection.connect({
      ...ssh,
      port,
      keepaliveIntervalMs: 250,
      keepaliveCountMax: 3,
      connectTimeoutMs: 5000,
    });
    try {
      expect((await conn.exec(bootstrapCommand(), { stdin: encodeStdin(hypervScript('vm-list'), {}) })).code).to.equal(
        0,
      );
      frozen = true;
      const error = await conn
        .exec(bootstrapCommand(), { stdin: encodeStdin(hypervScript('vm-list'), {}), timeoutMs: 60_000 })
        .catch((e: unknown) => e);
      expect(error).to.be.instanceOf(HostUnreachable);
    } finally {
      await conn.close();
    }
  });
});
