/**
 * The fake pool's xenstore as a guest sees it through the xenstore-* tools: a Unix socket served by the fake and
 * small wrapper commands (xenstore-read, -write, -rm, -list, -exists, -chmod) that send one request each, as the
 * guest's domain. What the tools print and how they fail follows xenstore-utils, escaping included: without -R,
 * xenstore-read escapes what it prints and xenstore-write unescapes what it is given.
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

/**
 * How xenstore-read prints a value without -R (libxenstore's sanitise_value): printable ASCII as is, a backslash
 * doubled, tab, line end and carriage return as \t \n \r, bytes below 8 in octal, other bytes as \xNN.
 */
export function sanitiseValue(value: string): string {
  let out = '';
  for (const c of Buffer.from(value, 'utf8')) {
    if (c >= 0x20 && c <= 0x7e && c !== 0x5c) out += String.fromCharCode(c);
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x5c) out += '\\\\';
    else if (c < 0o10) out += `\\${c.toString(8).padStart(3, '0')}`;
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** How xenstore-write reads a value without -R (libxenstore's unsanitise_value): the escapes above undone. */
export function unsanitiseValue(value: string): string {
  const bytes: number[] = [];
  const src = Buffer.from(value, 'utf8');
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c !== 0x5c || i + 1 >= src.length) {
      bytes.push(c);
      continue;
    }
    const n = String.fromCharCode(src[++i]!);
    if (n === 't') bytes.push(0x09);
    else if (n === 'n') bytes.push(0x0a);
    else if (n === 'r') bytes.push(0x0d);
    else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(src.subarray(i + 1, i + 3).toString())) {
      bytes.push(Number.parseInt(src.subarray(i + 1, i + 3).toString(), 16));
      i += 2;
    } else if (/^[0-7]{3}$/.test(src.subarray(i, i + 3).toString())) {
      bytes.push(Number.parseInt(src.subarray(i, i + 3).toString(), 8));
      i += 2;
    } else bytes.push(src[i]!);
  }
  return Buffer.from(bytes).toString('utf8');
}

export function runTool(xs: Xenstore, domid: number, tool: string, allArgs: readonly string[]): Reply {
  const out: string[] = [];
  // Leading options: -R (raw values), -s (no transaction) and -p (print paths, ignored here).
  let raw = false;
  let at = 0;
  while (at < allArgs.length && /^-[Rsp]+$/.test(allArgs[at]!)) raw ||= allArgs[at++]!.includes('R');
  const args = allArgs.slice(at);
  const fail = (msg: string): Reply => ({ out: out.join(''), err: `${msg}\n`, code: 1 });
  const payload = args.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0);
  if (payload > 4096) return fail(`${tool}: connection to xenstore reset (request over 4096 bytes)`);
  try {
    switch (tool) {
      case 'xenstore-read':
        for (const p of args) {
          try {
            const v = xs.read(domid, p);
            // -R: the bytes alone (output_raw); otherwise escaped, with a line end.
            out.push(raw ? v : `${sanitiseValue(v)}\n`);
          } catch {
            return fail(`${tool}: couldn't read path ${p}`);
          }
        }
        return { out: out.join(''), err: '', code: 0 };
      case 'xenstore-write':
        if (args.length % 2) return fail(`Usage: ${tool} [-h] [-s] [-R] key value [...]`);
        for (let i = 0; i < args.length; i += 2) {
          try {
            xs.write(domid, args[i]!, raw ? args[i + 1]! : unsanitiseValue(args[i + 1]!));
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
