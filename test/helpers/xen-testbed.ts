/**
 * The real-Xen test bed: Xen 4.17 from Debian's packages with oxenstored in a dom0, booted under QEMU (TCG), and a
 * PV guest per VM running the real Linux guest agent (build/xen-testbed/). The test machine talks to the dom0 shim
 * that plays xenopsd over a second serial port, a Unix socket here: requests in, replies and the guests' xenstore
 * writes out (see build/xen-testbed/dom0-shim.sh for the line protocol).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sanitiseValue, unsanitiseValue } from '../../src/sim/xapi/guest-xenstore';

/** A value as the shim passes it to xenstore-write (escaped as xenstore-utils reads it; spaces too). */
export const shimValue = (value: string): string => sanitiseValue(value).replace(/ /g, '\\x20');

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD = join(REPO, 'build', 'xen-testbed', 'build.sh');

export interface XenTestbedFiles {
  readonly xen: string;
  readonly kernel: string;
  readonly initrd: string;
}

/** The cache of downloaded packages and built images, reused between runs. */
export const xenTestbedCache = (): string =>
  process.env.VIRTSEAL_XEN_TESTBED_DIR ?? join(tmpdir(), 'virtseal-xen-testbed');

const onPath = (cmd: string): boolean =>
  (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, cmd)));

/** Why the bed cannot run here (one line), or undefined. */
export function xenTestbedMissing(): string | undefined {
  for (const cmd of ['qemu-system-x86_64', 'dpkg-deb', 'apt-get', 'apt-cache', 'cpio', 'ldd'])
    if (!onPath(cmd)) return `${cmd} is not installed (build/install-deps.sh installs what the real-Xen test needs)`;
  if (process.getuid?.() !== 0 && !existsSync(join(xenTestbedCache(), 'stamp')))
    return 'the first build of the Xen test bed downloads Debian packages with apt-get and needs root';
  return undefined;
}

/** Downloads (once) and builds the bed's images; fast when the cache is current. */
export function buildXenTestbed(dir = xenTestbedCache()): XenTestbedFiles {
  const r = spawnSync('bash', [BUILD, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`build/xen-testbed/build.sh failed: ${(r.stderr || r.stdout).trim()}`);
  return { xen: join(dir, 'xen.bin'), kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'dom0-initrd.cpio') };
}

/** A guest's xenstore change relayed by the shim: a value written, or (value undefined) a node removed. */
export interface XenstoreEvent {
  readonly domid: number;
  readonly path: string;
  readonly value: string | undefined;
}

interface Pending {
  readonly parts: string[];
  resolve(body: Buffer): void;
  reject(e: Error): void;
}

export class XenTestbed {
  private socket: Socket | undefined;
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(e: XenstoreEvent) => void>();
  private ready: (() => void) | undefined;
  private exited: Promise<void>;
  /** Milliseconds from starting QEMU until the shim in dom0 answered (Xen, dom0, oxenstored up). */
  bootMs = 0;
  private readonly t0 = Date.now();

  private constructor(
    private readonly qemu: ChildProcess,
    readonly workDir: string,
  ) {
    this.exited = new Promise((r) => qemu.once('exit', () => r()));
  }

  static async boot(files: XenTestbedFiles, timeoutMs = 300_000): Promise<XenTestbed> {
    const workDir = mkdtempSync(join(tmpdir(), 'virtseal-xen-bed-'));
    const sock = join(workDir, 'shim.sock');
    const started = Date.now();
    // +rdrand: the nested kernels seed their RNG at once (without it xl and openssl wait a minute for entropy).
    const qemu = spawn(
      'qemu-system-x86_64',
      [
        ...['-accel', 'tcg', '-cpu', 'qemu64,+svm,+rdrand', '-m', '2048', '-smp', '2'],
        ...['-nographic', '-no-reboot', '-monitor', 'none', '-nic', 'none'],
        ...['-serial', `file:${join(workDir, 'serial.log')}`],
        ...['-chardev', `socket,id=shim,path=${sock},server=on,wait=off`, '-device', 'isa-serial,chardev=shim'],
        ...['-kernel', files.xen, '-append', 'console=com1 dom0_mem=1024M loglvl=all guest_loglvl=all noreboot'],
        ...['-initrd', `${files.kernel} console=hvc0 earlyprintk=xen rdinit=/init,${files.initrd}`],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const bed = new XenTestbed(qemu, workDir);
    let qemuOutput = '';
    qemu.stdout!.on('data', (d) => (qemuOutput += d));
    qemu.stderr!.on('data', (d) => (qemuOutput += d));
    try {
      for (let i = 0; !existsSync(sock); i++) {
        if (qemu.exitCode !== null) throw new Error(`QEMU exited: ${qemuOutput.trim()}`);
        if (i > 200) throw new Error('QEMU did not create the shim socket');
        await new Promise((r) => setTimeout(r, 50));
      }
      const ready = new Promise<void>((resolve) => (bed.ready = resolve));
      await bed.connect(sock);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        ready,
        bed.exited.then(() => {
          throw new Error(`QEMU exited during boot: ${qemuOutput.trim()}\n${bed.serialTail()}`);
        }),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`the Xen test bed did not come up in ${timeoutMs / 1000} s\n${bed.serialTail()}`)),
            timeoutMs,
          );
        }),
      ]).finally(() => clearTimeout(timer));
      bed.bootMs = Date.now() - started;
      return bed;
    } catch (e) {
      await bed.stop();
      throw e;
    }
  }

  private connect(path: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = connect(path, () => resolve());
      s.once('error', reject);
      s.setEncoding('latin1');
      s.on('data', (d: string) => {
        this.buffer += d;
        for (let i = this.buffer.indexOf('\n'); i >= 0; i = this.buffer.indexOf('\n')) {
          this.line(this.buffer.slice(0, i).replace(/\r$/, ''));
          this.buffer = this.buffer.slice(i + 1);
        }
      });
      s.on('close', () => {
        for (const p of this.pending.values()) p.reject(new Error('the shim connection closed'));
        this.pending.clear();
      });
      this.socket = s;
    });
  }

  private trace(dir: string, l: string): void {
    if (process.env.VIRTSEAL_XEN_TRACE)
      process.stderr.write(`      [xen ${((Date.now() - this.t0) / 1000).toFixed(1)}] ${dir} ${l.slice(0, 160)}\n`);
  }

  private line(l: string): void {
    this.trace('<', l);
    const [kind, a, b] = l.split(' ');
    if (kind === 'ready') this.ready?.();
    else if (kind === 'p') this.pending.get(Number(a))?.parts.push(b ?? '');
    else if (kind === 'ok' || kind === 'err') {
      const p = this.pending.get(Number(a));
      if (!p) return;
      this.pending.delete(Number(a));
      if (kind === 'ok') p.resolve(Buffer.from(p.parts.join(''), 'base64'));
      else p.reject(new Error(`dom0 shim: ${Buffer.from(b ?? '', 'base64').toString()}`));
    } else if (kind === 'ev' || kind === 'rm') {
      // The rest of the line, as xenstore-read prints a value without -R (escaped, one line).
      const value = kind === 'ev' ? unsanitiseValue(l.split(' ').slice(3).join(' ')) : undefined;
      for (const fn of this.listeners) fn({ domid: Number(a), path: b ?? '', value });
    }
  }

  /** One request to the shim; resolves with its reply body. */
  request(op: string, ...args: string[]): Promise<Buffer> {
    const id = this.nextId++;
    for (const a of args) if (/[\s]/.test(a) || a === '') throw new Error(`shim argument '${a}' is not one token`);
    return new Promise((resolve, reject) => {
      if (!this.socket || this.socket.destroyed) return reject(new Error('the Xen test bed is not running'));
      this.pending.set(id, { parts: [], resolve, reject });
      const line = [id, op, ...args].join(' ');
      this.trace('>', line);
      this.socket.write(`${line}\n`);
    });
  }

  onEvent(fn: (e: XenstoreEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The whole store as dom0 sees it (`xenstore-ls -f`). */
  async xenstoreLs(): Promise<string> {
    return (await this.request('ls')).toString('utf8');
  }

  async console(name: string): Promise<string> {
    return (await this.request('console', name)).toString('utf8').replace(/\r/g, '');
  }

  /** Xen's and dom0's console so far. */
  serialLog(): string {
    try {
      return readFileSync(join(this.workDir, 'serial.log'), 'latin1').replace(/\r/g, '');
    } catch {
      return '';
    }
  }

  private serialTail(): string {
    return this.serialLog().split('\n').slice(-15).join('\n');
  }

  /** Stops QEMU by its pid and removes the work directory. */
  async stop(): Promise<void> {
    this.socket?.destroy();
    if (this.qemu.pid !== undefined && this.qemu.exitCode === null && this.qemu.signalCode === null) {
      process.kill(this.qemu.pid, 'SIGTERM');
      const killer = setTimeout(() => {
        if (this.qemu.exitCode === null && this.qemu.pid !== undefined) process.kill(this.qemu.pid, 'SIGKILL');
      }, 5_000);
      await this.exited;
      clearTimeout(killer);
    }
    rmSync(this.workDir, { recursive: true, force: true });
  }
}
