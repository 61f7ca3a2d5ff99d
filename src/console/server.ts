/**
 * The browser console: noVNC served on loopback behind one-time tokens, and a WebSocket that carries the VNC
 * stream from a stream opener (on a remote host, a TCP channel inside the driver's SSH connection, so the VNC port
 * never leaves the hypervisor host).
 *
 * Only loopback is served. Requests whose Host header is not the server's own loopback address are refused (no
 * DNS rebinding), the WebSocket also checks its Origin, and a token is spent by the first WebSocket that uses it.
 */
import { readFile, realpath } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { TokenBook } from './token';

export interface ConsoleServerOptions {
  /** Opens a fresh byte stream to the VM's VNC server, once per accepted WebSocket. */
  readonly openStream: () => Promise<Duplex>;
  /** Shown as the page title (a VM name: escaped, never markup). */
  readonly title: string;
  /** Where noVNC's `core/` and `vendor/` are; found through Node's resolution when absent. */
  readonly novncDir?: string;
  readonly tokens?: TokenBook;
  /** Default 0: any free port. */
  readonly port?: number;
  readonly log?: (line: string) => void;
}

export interface ConsoleServer {
  readonly port: number;
  /** The page URL with a fresh one-time token. */
  url(): string;
  close(): Promise<void>;
}

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export function findNovnc(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VIRTSEAL_NOVNC_DIR) return env.VIRTSEAL_NOVNC_DIR;
  const require = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
  // The package exports only core/rfb.js; its directory's parent is the package root.
  return dirname(dirname(require.resolve('@novnc/novnc')));
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} - virtseal console</title>
<style>html,body{margin:0;height:100%;background:#202020;color:#ddd;font:14px sans-serif}
#bar{padding:4px 8px}#screen{position:absolute;top:28px;bottom:0;left:0;right:0}</style></head>
<body><div id="bar"><span id="name"></span> <span id="status">connecting</span></div><div id="screen"></div>
<script type="module" src="/console.js"></script></body></html>
`;
}

// The page script: the token comes from the page's own address and goes into the WebSocket's, nowhere else.
const PAGE_SCRIPT = `import RFB from '/novnc/core/rfb.js';
const token = new URLSearchParams(location.search).get('token') ?? '';
const status = document.getElementById('status');
document.getElementById('name').textContent = document.title.replace(/ - virtseal console$/, '');
const rfb = new RFB(document.getElementById('screen'), 'ws://' + location.host + '/websockify?token=' + encodeURIComponent(token));
rfb.scaleViewport = true;
window.virtsealRfb = rfb;
rfb.addEventListener('connect', () => { status.textContent = 'connected'; document.body.dataset.state = 'connected'; });
rfb.addEventListener('disconnect', (e) => { status.textContent = e.detail.clean ? 'disconnected' : 'connection refused or lost'; document.body.dataset.state = 'disconnected'; });
history.replaceState(null, '', '/');
`;

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const tokens = options.tokens ?? new TokenBook();
  const novnc = await realpath(options.novncDir ?? findNovnc());
  const log = options.log ?? (() => undefined);
  const sockets = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  let port = 0;
  const own = (host: string | undefined): boolean => host === `127.0.0.1:${port}` || host === `localhost:${port}`;

  const send = (res: ServerResponse, code: number, body: string | Buffer, type = 'text/plain; charset=utf-8'): void => {
    res.writeHead(code, {
      'content-type': type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': `default-src 'self'; connect-src ws://127.0.0.1:${port} ws://localhost:${port}; style-src 'self' 'unsafe-inline'; img-src 'self' data:`,
    });
    res.end(body);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      if (!own(req.headers.host)) return send(res, 403, 'this console answers only on its loopback address\n');
      if (req.method !== 'GET') return send(res, 405, 'GET only\n');
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      if (url.pathname === '/') {
        const check = tokens.check(url.searchParams.get('token'));
        if (check !== 'ok')
          return send(res, 403, `console token ${check}: run 'virtseal console' again for a new one\n`);
        return send(res, 200, page(options.title), TYPES['.html']);
      }
      if (url.pathname === '/console.js') return send(res, 200, PAGE_SCRIPT, TYPES['.js']);
      if (url.pathname.startsWith('/novnc/')) {
        const rel = decodeURIComponent(url.pathname.slice('/novnc/'.length));
        if (!/^(core|vendor)\//.test(rel) || !TYPES[extname(rel)]) return send(res, 404, 'not found\n');
        const file = await realpath(join(novnc, rel)).catch(() => undefined);
        if (file === undefined || !file.startsWith(novnc + sep)) return send(res, 404, 'not found\n');
        return send(res, 200, await readFile(file), TYPES[extname(rel)]);
      }
      return send(res, 404, 'not found\n');
    })().catch((error: unknown) => {
      log(`console: ${(error as Error).message}`);
      if (!res.headersSent) send(res, 500, 'internal error\n');
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (code: number, why: string): void => {
      log(`console: WebSocket refused: ${why}`);
      socket.end(
        `HTTP/1.1 ${code} ${code === 403 ? 'Forbidden' : 'Bad Request'}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${why}\n`,
      );
    };
    const url = new URL(req.url ?? '/', 'http://loopback');
    if (!own(req.headers.host) || url.pathname !== '/websockify') return refuse(400, 'not a console WebSocket');
    const origin = req.headers.origin;
    if (origin !== undefined && !own(origin.replace(/^http:\/\//, ''))) return refuse(403, 'foreign origin');
    const check = tokens.spend(url.searchParams.get('token'));
    if (check !== 'ok') return refuse(403, `console token ${check}`);
    sockets.handleUpgrade(req, socket, head, (ws) => void bridge(ws));
  });

  async function bridge(ws: WebSocket): Promise<void> {
    let stream: Duplex;
    try {
      stream = await options.openStream();
    } catch (error) {
      log(`console: cannot reach the VM's display: ${(error as Error).message}`);
      ws.close(1011, 'display unreachable');
      return;
    }
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      stream.write(Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data));
    });
    stream.on('data', (chunk: Buffer) => ws.send(chunk, { binary: true }));
    const end = (): void => {
      stream.destroy();
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
    };
    ws.on('close', end);
    ws.on('error', end);
    stream.on('close', end);
    stream.on('error', end);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    port,
    url: () => `http://127.0.0.1:${port}/?token=${tokens.issue()}`,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
