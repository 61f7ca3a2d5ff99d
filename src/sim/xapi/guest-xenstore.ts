/**
 * The fake pool's xenstore as a guest sees it through the xenstore-* tools: a Unix socket served by the fake and
 * small wrapper commands (xenstore-read, -write, -rm, -list, -exists, -chmod) that send one request each, as the
 * guest's domain. What the tools print and how they fail follows xenstore-utils.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Xenstore, XenstoreError } from './xenstore';

export const XS_TOOLS = [
  'xenstore-read',
  'xenstore-write',
  'xenstore-rm',
  'xenstore-list',
  'xenstore-exists',
  'xenstore-chmod',
] as const;
/** The tools' client: beside this source, or (from a bundled dist/ build) in the checkout's src/, or under the cwd. */
const CLI =
  [
    fileURLToPath(new URL('./xenstore-cli.mjs', import.meta.url)),
    fileURLToPath(new URL('../src/sim/xapi/xenstore-cli.mjs', import.meta.url)),
    join(process.cwd(), 'src/sim/xapi/xenstore-cli.mjs'),
  ].find((p) => existsSync(p)) ?? fileURLToPath(new URL('./xenstore-cli.mjs', import.meta.url));

interface Reply {
  out: string;
  err: string;
  code: number;
}

export function runTool(xs: Xenstore, domid: number, tool: string, args: readonly string[]): Reply {
  const out: string[] = [];
  const fail = (msg: string): Reply => ({ out: out.join(''), err: `${msg}\n`, code: 1 });
  const payload = args.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0);
  if (payload > 4096) return fail(`${tool}: connection to xenstore reset (request over 4096 bytes)`);
  try {
    switch (tool) {
      case 'xenstore-read':
        for (const p of args) {
          try {
            out.push(`${xs.read(domid, p)}\n`);
          } catch {
            return fail(`${tool}: couldn't read path ${p}`);
          }
        }
        return { out: out.join(''), err: '', code: 0 };
      case 'xenstore-write':
        if (args.length % 2) return fail(`Usage: ${tool} [-h] [-s] [-R] key value [...]`);
        for (let i = 0; i < args.length; i += 2) {
          try {
            xs.write(domid, args[i]!, args[i + 1]!);
          } catch (e) {
            return fail(`${tool}: could not write path ${args[i]}${e instanceof XenstoreError ? ` (${e.errno})` : ''}`);
          }
        }
        return { out: '', err: '', code: 0 };
      case 'xenstore-rm':
        for (const p of args) {
          try {
            xs.rm(domid, p);
          } catch {
            return fail(`${tool}: could not remove path ${p}`);
          }
        }
        return { out: '', err: '', code: 0 };
      case 'xenstore-list':
        for (const p of args) {
          try {
            for (const k of xs.list(domid, p)) out.push(`${k}\n`);
          } catch {
            return fail(`${tool}: couldn't list path ${p}`);
          }
        }
        return { out: out.join(''), err: '', code: 0 };
      case 'xenstore-exists':
        return args.every((p) => xs.exists(domid, p)) ? { out: '', err: '', code: 0 } : { out: '', err: '', code: 1 };
      case 'xenstore-chmod': {
        const [p, ...perms] = args;
        xs.setPerms(
          domid,
          p!,
          perms.map((x) => ({ perm: x[0] as 'n', domid: Number(x.slice(1)) })),
        );
        return { out: '', err: '', code: 0 };
      }
      default:
        return fail(`${tool}: unknown tool`);
    }
  } catch (e) {
    return fail(`${tool}: ${(e as Error).message}`);
  }
}

/** Serves the guest tools on `<dir>/xs.sock` and writes the wrapper commands into `<dir>/bin`. */
export async function serveGuestXenstore(
  xs: Xenstore,
  dir: string,
): Promise<{ readonly socket: string; readonly bin: string; close(): Promise<void> }> {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const t of XS_TOOLS) {
    writeFileSync(join(bin, t), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" ${t} "$@"\n`);
    chmodSync(join(bin, t), 0o755);
  }
  const socket = join(dir, 'xs.sock');
  const server: Server = createServer((c) => {
    let data = '';
    c.on('data', (d) => (data += d));
    c.on('end', () => {
      try {
        const req = JSON.parse(data) as { tool: string; args: string[]; domid: number };
        c.end(JSON.stringify(runTool(xs, req.domid, req.tool, req.args)));
      } catch {
        c.destroy();
      }
    });
    c.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(socket, r));
  return { socket, bin, close: () => new Promise((r) => server.close(() => r())) };
}
