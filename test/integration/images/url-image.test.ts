/**
 * Images from URLs: a loopback HTTP server (started here, with Range support and a switch that cuts a download
 * short) serves a generated qcow2 image and a SHA256SUMS file; virtseal.core.image's service downloads, verifies,
 * converts with qemu-img and publishes to the Hyper-V simulator. Every failure leaves nothing in the host library.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgument } from '../../../src/core/errors';
import { publishImage } from '../../../src/services/image';
import { prepareImageSource } from '../../../src/services/image-source';
import { makeDiskImage } from '../../helpers/disk-images';
import { type SimWorld, startWorld } from '../../component/services/sim-session';

interface Served {
  readonly server: Server;
  readonly base: string;
  readonly requests: { path: string; range?: string }[];
  /** Paths whose next GET is cut after this many bytes. */
  readonly cut: Map<string, number>;
}

async function serve(files: Record<string, Buffer>): Promise<Served> {
  const requests: Served['requests'] = [];
  const cut = new Map<string, number>();
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
    res.end(part);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, cut };
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('image from a URL: download, checksum, conversion, publish (loopback HTTP + Hyper-V simulator)', function () {
  this.timeout(300_000);
  let world: SimWorld;
  let http: Served;
  let dir = '';
  let cache = '';
  let qcow2: Buffer;
  let bigSize = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'virtseal-url-image-'));
    makeDiskImage(join(dir, 'alma.qcow2'), 'qcow2', { sizeMiB: 16, fill: 0x41 });
    qcow2 = readFileSync(join(dir, 'alma.qcow2'));
    const big = join(dir, 'big.qcow2');
    makeDiskImage(big, 'qcow2', { sizeMiB: 64, fill: 0x42 });
    // Some data all over the disk, so the file is large enough to be cut in the middle.
    for (let mib = 1; mib < 64; mib += 4)
      execFileSync('qemu-io', ['-f', 'qcow2', '-c', `write -P 0x43 ${mib}M 256k`, big], { stdio: 'ignore' });
    const bigBytes = readFileSync(big);
    bigSize = bigBytes.length;
    http = await serve({
      '/img/alma.qcow2': qcow2,
      '/img/big.qcow2': bigBytes,
      '/img/SHA256SUMS': Buffer.from(`${sha(bigBytes)}  big.qcow2\n${sha(qcow2)} *alma.qcow2\n`),
      '/img/notes.qcow2': Buffer.from('these are release notes, not a disk\n'),
    });
    world = await startWorld();
  });
  beforeEach(() => {
    cache = mkdtempSync(join(dir, 'cache-'));
  });
  after(async () => {
    http?.server.close();
    await world?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function publish(request: { name: string; src: string; checksum?: string; sha256?: string }) {
    const session = await world.open();
    try {
      return await publishImage([{ host: 'hv', session }], { ...request, cacheDir: cache });
    } finally {
      await session.close();
    }
  }
  async function library(name: string): Promise<unknown> {
    const session = await world.open();
    try {
      return await session.hv.images.findImage({ name });
    } finally {
      await session.close();
    }
  }
  const failure = (p: Promise<unknown>): Promise<InvalidArgument> =>
    p.then(
      () => expect.fail('succeeded'),
      (e: unknown) => e as InvalidArgument,
    );

  it('downloads, verifies, converts qcow2 to VHDX and publishes; a re-run downloads and sends nothing', async () => {
    const src = `${http.base}/img/alma.qcow2`;
    const first = await publish({ name: 'alma', src, checksum: `sha256:${sha(qcow2)}` });
    expect(first.changed).to.equal(true);
    expect(first.conversion).to.equal('qcow2 → vhdx (qemu-img convert)');
    expect(first.source).to.deep.include({
      format: 'qcow2',
      virtual_size_bytes: 16 * 1024 * 1024,
      downloaded_bytes: qcow2.length,
      resumed_from_bytes: 0,
    });
    expect(first.download_progress?.at(-1)).to.equal(100);
    expect(first.hosts[0]).to.deep.include({ skipped: false });
    const published = readdirSync(cache).find((f) => f.endsWith('.vhdx'))!;
    expect(first.image.sha256).to.equal(sha(readFileSync(join(cache, published))));
    expect(await library('alma')).to.deep.include({ name: 'alma', sha256: first.image.sha256 });

    const gets = http.requests.length;
    const again = await publish({ name: 'alma', src, checksum: `sha256:${sha(qcow2)}` });
    expect(again.changed).to.equal(false);
    expect(again.hosts[0]!.skipped).to.equal(true);
    expect(http.requests.length, 'no download on the second run').to.equal(gets);
  });

  it('takes the hash from a SHA256SUMS URL', async () => {
    const result = await publish({
      name: 'alma-sums',
      src: `${http.base}/img/alma.qcow2`,
      checksum: `sha256:${http.base}/img/SHA256SUMS`,
    });
    expect(result.changed).to.equal(true);
    expect(result.source.format).to.equal('qcow2');
  });

  it('refuses a wrong checksum naming the option, and leaves nothing in the library or the cache', async () => {
    const error = await failure(
      publish({ name: 'alma-bad', src: `${http.base}/img/alma.qcow2`, checksum: `sha256:${'0'.repeat(64)}` }),
    );
    expect(error).to.be.instanceOf(InvalidArgument);
    expect(error.option).to.equal('checksum');
    expect(error.message).to.match(
      /^checksum: .* has SHA-256 [0-9a-f]{64}, not the expected 0{64}; nothing was published$/,
    );
    expect(await library('alma-bad')).to.equal(undefined);
    expect(readdirSync(cache)).to.deep.equal([]);
  });

  it('refuses an unreachable URL and a missing file naming src, and plain http without a checksum naming checksum', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    const unreachable = await failure(
      publish({ name: 'x', src: `http://127.0.0.1:${port}/img/alma.qcow2`, sha256: sha(qcow2) }),
    );
    expect(unreachable.option).to.equal('src');
    expect(unreachable.message).to.match(
      /^src: cannot download http:\/\/127\.0\.0\.1:\d+\/img\/alma\.qcow2: .*ECONNREFUSED/,
    );
    const missing = await failure(publish({ name: 'x', src: `${http.base}/img/none.qcow2`, sha256: sha(qcow2) }));
    expect(missing.message).to.match(/answered HTTP 404$/);
    const plain = await failure(publish({ name: 'x', src: `${http.base}/img/alma.qcow2` }));
    expect(plain.option).to.equal('checksum');
    expect(await library('x')).to.equal(undefined);
  });

  it('refuses a file that is no disk image, naming src', async () => {
    const notes = Buffer.from('these are release notes, not a disk\n');
    const error = await failure(publish({ name: 'notes', src: `${http.base}/img/notes.qcow2`, sha256: sha(notes) }));
    expect(error.option).to.equal('src');
    expect(error.message).to.match(/^src: not a disk image/);
    expect(await library('notes')).to.equal(undefined);
  });

  it('resumes an interrupted download with a Range request on the next run', async () => {
    const src = `${http.base}/img/big.qcow2`;
    http.cut.set('/img/big.qcow2', Math.floor(bigSize / 2));
    const cut = await failure(publish({ name: 'big', src, checksum: `sha256:${http.base}/img/SHA256SUMS` }));
    expect(cut.option).to.equal('src');
    expect(cut.message).to.match(
      /^src: download of .* (was interrupted|ended) after \d+ (bytes|of \d+ bytes).*; run again to resume$/,
    );
    expect(await library('big')).to.equal(undefined);
    const before = http.requests.length;
    const resumed = await publish({ name: 'big', src, checksum: `sha256:${http.base}/img/SHA256SUMS` });
    expect(resumed.source.resume).to.equal('resumed');
    expect(resumed.source.resumed_from_bytes).to.be.greaterThan(0);
    expect(
      http.requests.slice(before).some((r) => r.path === '/img/big.qcow2' && r.range?.startsWith('bytes=')),
    ).to.equal(true);
    expect(resumed.changed).to.equal(true);
  });
});

describe('image sources for libvirt: conversion to qcow2 on the controller', () => {
  it('converts vmdk to qcow2, and passes a qcow2 through untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtseal-image-src-'));
    try {
      makeDiskImage(join(dir, 'disk.vmdk'), 'vmdk', { fill: 0x33 });
      const converted = await prepareImageSource({
        src: join(dir, 'disk.vmdk'),
        hypervisor: 'libvirt',
        cacheDir: join(dir, 'cache'),
      });
      expect(converted.conversion).to.equal('vmdk → qcow2 (qemu-img convert)');
      expect(converted.path.endsWith('.qcow2')).to.equal(true);
      makeDiskImage(join(dir, 'disk.qcow2'), 'qcow2');
      const same = await prepareImageSource({
        src: join(dir, 'disk.qcow2'),
        hypervisor: 'libvirt',
        cacheDir: join(dir, 'cache'),
      });
      expect(same.conversion).to.equal(undefined);
      expect(same.path).to.equal(join(dir, 'disk.qcow2'));
      writeFileSync(
        join(dir, 'broken.qcow2'),
        Buffer.concat([readFileSync(join(dir, 'disk.qcow2')).subarray(0, 512), Buffer.alloc(4096, 0xff)]),
      );
      const broken = await prepareImageSource({
        src: join(dir, 'broken.qcow2'),
        hypervisor: 'libvirt',
        cacheDir: join(dir, 'cache'),
      }).catch((e: unknown) => e as InvalidArgument);
      expect(broken).to.be.instanceOf(InvalidArgument);
      expect((broken as InvalidArgument).option).to.equal('src');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
