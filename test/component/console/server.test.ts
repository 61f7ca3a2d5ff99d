/**
 * The console server on its own: one-time tokens, loopback-only Host and Origin, noVNC's files and nothing else,
 * and the WebSocket carried byte for byte to the VM's display stream (here a loopback TCP echo standing in for it).
 */
import { expect } from 'chai';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { type ConsoleServer, startConsoleServer } from '../../../src/console/server';
import { TokenBook } from '../../../src/console/token';
import { connectLocalTcp } from '../../../src/transport/local-exec';

function get(port: number, path: string, host = `127.0.0.1:${port}`): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function wsStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('error', reject);
  });
}

describe('console/token', () => {
  it('spends a token once, refuses unknown and malformed ones, and expires unused ones', () => {
    let now = 1_000;
    const book = new TokenBook({ ttlMs: 100, now: () => now });
    const token = book.issue();
    expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(book.check(token)).to.equal('ok');
    expect(book.spend(token)).to.equal('ok');
    expect(book.spend(token)).to.equal('spent');
    expect(book.check(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).to.equal('unknown');
    expect(book.check('short')).to.equal('unknown');
    expect(book.check(undefined)).to.equal('unknown');
    const late = book.issue();
    now += 101;
    expect(book.spend(late)).to.equal('expired');
  });
});

describe('console/server', () => {
  let echo: Server;
  let echoPort = 0;
  let server: ConsoleServer;

  before(async () => {
    echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoPort = (echo.address() as AddressInfo).port;
    server = await startConsoleServer({
      title: '<script>x</script> & co',
      openStream: () => connectLocalTcp('127.0.0.1', echoPort),
    });
  });

  after(async () => {
    await server.close();
    echo.close();
  });

  it('serves the page for a valid token with the title as text, and refuses others', async () => {
    const url = new URL(server.url());
    const ok = await get(server.port, url.pathname + url.search);
    expect(ok.status).to.equal(200);
    expect(ok.body).to.include('&lt;script&gt;x&lt;/script&gt; &amp; co');
    expect(ok.body).not.to.include('<script>x');
    expect((await get(server.port, '/?token=AAAA')).status).to.equal(403);
  });

  it('answers only to its own loopback Host header', async () => {
    const url = new URL(server.url());
    expect((await get(server.port, url.pathname + url.search, `attacker.example:${server.port}`)).status).to.equal(403);
  });

  it("serves noVNC's files and nothing outside them", async () => {
    expect((await get(server.port, '/novnc/core/rfb.js')).status).to.equal(200);
    expect((await get(server.port, '/novnc/package.json')).status).to.equal(404);
    expect((await get(server.port, '/novnc/core/../../../../etc/passwd')).status).to.equal(404);
    expect((await get(server.port, '/novnc/core/%2e%2e/%2e%2e/package.json')).status).to.equal(404);
  });

  it('carries bytes both ways for the first WebSocket of a token, and refuses a second, a foreign origin and a wrong token', async () => {
    const token = new URL(server.url()).searchParams.get('token')!;
    const base = `ws://127.0.0.1:${server.port}/websockify?token=`;
    expect(
      await wsStatus(`${base}${new URL(server.url()).searchParams.get('token')!}`, { origin: 'http://evil.example' }),
    ).to.equal(403);
    const ws = new WebSocket(`${base}${token}`);
    const echoed = await new Promise<Buffer>((resolve, reject) => {
      ws.once('open', () => ws.send(Buffer.from([0, 1, 2, 255, 10])));
      ws.once('message', (data: Buffer) => resolve(data));
      ws.once('error', reject);
    });
    expect([...echoed]).to.deep.equal([0, 1, 2, 255, 10]);
    ws.close();
    expect(await wsStatus(`${base}${token}`)).to.equal(403);
    expect(await wsStatus(`${base}${'A'.repeat(43)}`)).to.equal(403);
  });
});

describe('libvirt console display parsing', () => {
  it('reads virsh domdisplay output', async () => {
    const { parseVncDisplay } = await import('../../../src/drivers/libvirt/console');
    expect(parseVncDisplay('vnc://127.0.0.1:0\n')).to.deep.equal({ listen: '127.0.0.1', port: 5900 });
    expect(parseVncDisplay('vnc://[::1]:3')).to.deep.equal({ listen: '::1', port: 5903 });
    expect(parseVncDisplay('')).to.equal(undefined);
    expect(parseVncDisplay('spice://127.0.0.1:5930')).to.equal(undefined);
  });
});
