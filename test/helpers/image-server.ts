/**
 * A loopback HTTP server for image downloads, started by the test that needs it: files from memory, `Range`
 * requests (206), a switch that cuts the next GET of a path short, and a gate that holds a GET in the middle until
 * the test lets it go (so a test can look at both ends of a download while it is under way).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Served {
  readonly server: Server;
  readonly base: string;
  readonly requests: { path: string; range?: string }[];
  /** Paths whose next GET is cut after this many bytes. */
  readonly cut: Map<string, number>;
  /** Paths whose next GET stops after `at` bytes until `release` resolves; `reached` resolves when it stops. */
  readonly hold: Map<string, { readonly at: number; readonly release: Promise<void>; readonly reached: () => void }>;
  close(): Promise<void>;
}

export async function serveImages(files: Record<string, Buffer>): Promise<Served> {
  const requests: Served['requests'] = [];
  const cut: Served['cut'] = new Map();
  const hold: Served['hold'] = new Map();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ path, ...(req.headers.range ? { range: req.headers.range } : {}) });
    const body = files[path];
    if (!body) return void res.writeHead(404).end('not found');
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const part = body.subarray(start);
    res.writeHead(range ? 206 : 200, {
      'content-length': String(part.length),
      'accept-ranges': 'bytes',
      ...(range ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    const limit = cut.get(path);
    if (limit !== undefined) {
      cut.delete(path);
      res.write(part.subarray(0, limit), () => res.destroy());
      return;
    }
    const gate = hold.get(path);
    if (gate) {
      hold.delete(path);
      res.write(part.subarray(0, gate.at), () => {
        gate.reached();
        void gate.release.then(() => res.end(part.subarray(gate.at)));
      });
      return;
    }
    res.end(part);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    cut,
    hold,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
