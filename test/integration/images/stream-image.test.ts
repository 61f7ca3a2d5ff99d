/**
 * Images streamed to the host without staging: a loopback HTTP server (started here) serves images already in the
 * library's format, and virtseal.core.image's service pipes the download through SHA-256 into the driver's upload.
 * The server holds each download in the middle, so the test sees the bytes on the host and none on the controller
 * (cache and temporary directory) while it is under way. Hyper-V: the simulator over the real SSH/SFTP transport;
 * libvirt: the real local runner (dd, sha256sum, and the host's own qemu-img info/check) on this file system.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgument } from '../../../src/core/errors';
import { createLibvirtHypervisor } from '../../../src/drivers/libvirt/index';
import { type ImageResult, publishImage } from '../../../src/services/image';
import { createSession, type Session } from '../../../src/services/session';
import { LocalRunner } from '../../../src/transport/local-exec';
import { makeDiskImage } from '../../helpers/disk-images';
import { type Served, serveImages } from '../../helpers/image-server';
import { type SimWorld, startWorld } from '../../component/services/sim-session';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const MiB = 1024 * 1024;

/** Total bytes of the files under `dir` (0 when it does not exist). */
function bytesUnder(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    try {
      total += statSync(join(entry.parentPath, entry.name)).size;
    } catch {
      // Gone between listing and stat.
    }
  }
  return total;
}

/** An image of `sizeMiB` with data written all over it, so its file is about that large. */
function bigImage(path: string, format: 'vhdx' | 'qcow2', sizeMiB: number, fill: number): Buffer {
  makeDiskImage(path, format, { sizeMiB, fill });
  execFileSync('qemu-io', ['-f', format, '-c', `write -P ${fill} 1M ${sizeMiB - 2}M`, path], { stdio: 'ignore' });
  return readFileSync(path);
}

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const failure = (p: Promise<unknown>): Promise<InvalidArgument> =>
  p.then(
    () => expect.fail('succeeded'),
    (e: unknown) => e as InvalidArgument,
  );

interface Host {
  open(): Promise<Session>;
  /** The host's real path of the library file of `name` (and its partial upload, in the same folder). */
  libraryFiles(name: string): string[];
}

/**
 * Publishes `path` from the server with the download held at its middle; at that moment, records how many bytes of
 * the partial upload are on the host and how many bytes the controller's cache and temporary directory hold.
 */
async function publishHeld(
  http: Served,
  host: Host,
  request: { name: string; src: string; checksum?: string },
  cache: string,
  controllerTmp: string,
  partialOnHost: () => number,
  heldAt: number,
  /** Bytes the upload may hold back (dd writes whole 4 MiB blocks). */
  slack: number,
): Promise<{ result: ImageResult; hostBytesAtHold: number; controllerPeak: number }> {
  let release!: () => void;
  let reached!: () => void;
  const held = new Promise<void>((r) => (reached = r));
  http.hold.set(new URL(request.src).pathname, { at: heldAt, release: new Promise((r) => (release = r)), reached });
  let controllerPeak = 0;
  const sampler = setInterval(() => {
    controllerPeak = Math.max(controllerPeak, bytesUnder(cache) + bytesUnder(controllerTmp));
  }, 10);
  const session = await host.open();
  try {
    const running = publishImage([{ host: 'h', session }], { ...request, cacheDir: cache });
    running.catch(() => undefined);
    await held;
    // Everything the server sent so far reaches the host, while the rest of the download is still held back.
    await until('the first half on the host', () => partialOnHost() >= heldAt - slack);
    const hostBytesAtHold = partialOnHost();
    controllerPeak = Math.max(controllerPeak, bytesUnder(cache) + bytesUnder(controllerTmp));
    release();
    const result = await running;
    return { result, hostBytesAtHold, controllerPeak };
  } finally {
    release();
    clearInterval(sampler);
    await session.close();
  }
}

describe('image streamed to the host without staging (loopback HTTP)', function () {
  this.timeout(300_000);
  let dir = '';
  let cache = '';
  let controllerTmp = '';
  let http: Served;
  let vhdx: Buffer;
  let qcow2: Buffer;
  let savedTmp: string | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'virtseal-stream-image-'));
    vhdx = bigImage(join(dir, 'golden.vhdx'), 'vhdx', 24, 0x61);
    qcow2 = bigImage(join(dir, 'golden.qcow2'), 'qcow2', 24, 0x62);
    http = await serveImages({
      '/img/golden.vhdx': vhdx,
      '/img/golden.qcow2': qcow2,
      '/img/SHA256SUMS': Buffer.from(`${sha(vhdx)}  golden.vhdx\n`),
    });
  });
  beforeEach(() => {
    cache = join(mkdtempSync(join(dir, 'cache-')), 'images');
    // The controller's temporary directory during the run: the module's own process would write there.
    controllerTmp = mkdtempSync(join(dir, 'tmp-'));
    savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = controllerTmp;
  });
  afterEach(() => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  });
  after(async () => {
    await http?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('Hyper-V (simulator): a VHDX', () => {
    let world: SimWorld;
    const library = 'C:\\ProgramData\\virtseal\\images';
    let host: Host;
    before(async () => {
      world = await startWorld();
      host = {
        open: () => world.open(),
        libraryFiles: (name) => {
          const local = world.sim.files.local(library);
          return existsSync(local) ? readdirSync(local).filter((f) => f.startsWith(`${name}.`)) : [];
        },
      };
    });
    after(async () => {
      await world?.stop();
    });
    const partial = (name: string) => () => {
      const path = world.sim.files.local(`${library}\\${name}.vhdx.partial`);
      return existsSync(path) ? statSync(path).size : 0;
    };

    it('streams to the host while the controller holds none of it, publishes after the hash, re-runs download nothing', async () => {
      const half = Math.floor(vhdx.length / 2);
      const { result, hostBytesAtHold, controllerPeak } = await publishHeld(
        http,
        host,
        { name: 'golden', src: `${http.base}/img/golden.vhdx`, checksum: `sha256:${http.base}/img/SHA256SUMS` },
        cache,
        controllerTmp,
        partial('golden'),
        half,
        256 * 1024,
      );
      expect(hostBytesAtHold, 'bytes on the host mid-download').to.be.at.least(half - 256 * 1024);
      expect(controllerPeak, 'bytes on the controller at any time').to.be.below(64 * 1024);
      expect(result.changed).to.equal(true);
      expect(result.source).to.deep.include({
        transfer: 'streamed',
        format: 'vhdx',
        virtual_size_bytes: 24 * MiB,
        downloaded_bytes: vhdx.length,
      });
      expect(result.source.checks).to.deep.equal([
        'SHA-256 (controller, while streaming)',
        'vhdx header (controller)',
        'SHA-256 (host)',
      ]);
      expect(result.conversion).to.equal(undefined);
      expect(result.download_progress?.at(-1)).to.equal(100);
      expect(result.image.sha256).to.equal(sha(vhdx));
      expect(readFileSync(world.sim.files.local(`${library}\\golden.vhdx`)).equals(vhdx)).to.equal(true);
      expect(host.libraryFiles('golden').sort()).to.deep.equal(['golden.vhdx', 'golden.vhdx.sha256']);

      const gets = http.requests.length;
      const session = await host.open();
      try {
        const again = await publishImage([{ host: 'h', session }], {
          name: 'golden',
          src: `${http.base}/img/golden.vhdx`,
          checksum: `sha256:${sha(vhdx)}`,
          cacheDir: cache,
        });
        expect(again.changed).to.equal(false);
        expect(again.hosts[0]!.skipped).to.equal(true);
      } finally {
        await session.close();
      }
      expect(http.requests.length, 'no request on the second run').to.equal(gets);
    });

    it('a wrong checksum, found at the end of the stream, leaves nothing on the host', async () => {
      const session = await host.open();
      try {
        const error = await failure(
          publishImage([{ host: 'h', session }], {
            name: 'wrong',
            src: `${http.base}/img/golden.vhdx`,
            checksum: `sha256:${'0'.repeat(64)}`,
            cacheDir: cache,
          }),
        );
        expect(error).to.be.instanceOf(InvalidArgument);
        expect(error.option).to.equal('checksum');
        expect(error.message).to.match(
          /^checksum: .* has SHA-256 [0-9a-f]{64}, not the expected 0{64}; nothing was published$/,
        );
      } finally {
        await session.close();
      }
      expect(host.libraryFiles('wrong')).to.deep.equal([]);
      expect(bytesUnder(cache)).to.equal(0);
    });

    it('a download cut in the middle removes the partial upload, and the next run starts over', async () => {
      http.cut.set('/img/golden.vhdx', Math.floor(vhdx.length / 3));
      const request = { name: 'cut', src: `${http.base}/img/golden.vhdx`, sha256: sha(vhdx), cacheDir: cache };
      let session = await host.open();
      try {
        const error = await failure(publishImage([{ host: 'h', session }], request));
        expect(error.option).to.equal('src');
        expect(error.message).to.match(
          /^src: download of .* (was interrupted after \d+ bytes \(.*\)|ended after \d+ of \d+ bytes); nothing was published, run again/,
        );
      } finally {
        await session.close();
      }
      expect(host.libraryFiles('cut')).to.deep.equal([]);
      session = await host.open();
      try {
        const again = await publishImage([{ host: 'h', session }], request);
        expect(again.source.transfer).to.equal('streamed');
        expect(again.image.sha256).to.equal(sha(vhdx));
      } finally {
        await session.close();
      }
    });

    it('a source that needs conversion, or stream: false, is staged on the controller (qemu-img needs a file)', async () => {
      const session = await host.open();
      try {
        const result = await publishImage([{ host: 'h', session }], {
          name: 'from-qcow2',
          src: `${http.base}/img/golden.qcow2`,
          sha256: sha(qcow2),
          cacheDir: cache,
        });
        expect(result.source.transfer).to.equal('staged');
        expect(result.conversion).to.equal('qcow2 → vhdx (qemu-img convert)');
        expect(result.source.checks).to.include('qemu-img check (controller)');
        const asked = await publishImage([{ host: 'h', session }], {
          name: 'staged-vhdx',
          src: `${http.base}/img/golden.vhdx`,
          sha256: sha(vhdx),
          cacheDir: cache,
          stream: false,
        });
        expect(asked.source.transfer, 'stream: false stages').to.equal('staged');
        expect(asked.source.checks).to.deep.equal([
          'SHA-256 (controller)',
          'qemu-img info (controller)',
          'qemu-img check (controller)',
        ]);
      } finally {
        await session.close();
      }
    });
  });

  describe('libvirt (local runner): a qcow2', () => {
    let pool = '';
    const images = () => join(pool, 'images');
    const host: Host = {
      open: async () =>
        createSession(
          await createLibvirtHypervisor({ runner: new LocalRunner(), poolPath: pool, domainType: 'qemu' }),
          { check: false, runExchange: () => Promise.reject(new Error('no sealed exchange in this test')) },
        ),
      libraryFiles: (name) =>
        existsSync(images())
          ? readdirSync(images()).filter((f) => f.startsWith(`${name}.`) || f.startsWith(`.${name}.`))
          : [],
    };
    before(() => {
      pool = join(dir, 'pool');
      mkdirSync(pool, { recursive: true });
    });

    it('streams, has the host run qemu-img info and check, and publishes; a wrong checksum leaves nothing', async () => {
      const half = Math.floor(qcow2.length / 2);
      const { result, hostBytesAtHold, controllerPeak } = await publishHeld(
        http,
        host,
        { name: 'golden', src: `${http.base}/img/golden.qcow2`, checksum: `sha256:${sha(qcow2)}` },
        cache,
        controllerTmp,
        () => {
          const path = join(images(), '.golden.qcow2.partial');
          return existsSync(path) ? statSync(path).size : 0;
        },
        half,
        4 * MiB + 256 * 1024,
      );
      expect(hostBytesAtHold).to.be.at.least(half - 4 * MiB - 256 * 1024);
      expect(controllerPeak).to.be.below(64 * 1024);
      expect(result.source).to.deep.include({ transfer: 'streamed', format: 'qcow2', virtual_size_bytes: 24 * MiB });
      expect(result.source.checks).to.deep.equal([
        'SHA-256 (controller, while streaming)',
        'qcow2 header (controller)',
        'SHA-256 (host)',
        'qemu-img info (host)',
        'qemu-img check (host)',
      ]);
      expect(readFileSync(join(images(), 'golden.qcow2')).equals(qcow2)).to.equal(true);
      expect(host.libraryFiles('golden').sort()).to.deep.equal(['golden.qcow2', 'golden.sha256']);

      const session = await host.open();
      try {
        const error = await failure(
          publishImage([{ host: 'h', session }], {
            name: 'wrong',
            src: `${http.base}/img/golden.qcow2`,
            sha256: 'f'.repeat(64),
            cacheDir: cache,
          }),
        );
        expect(error.option).to.equal('sha256');
      } finally {
        await session.close();
      }
      expect(host.libraryFiles('wrong')).to.deep.equal([]);
    });
  });
});
