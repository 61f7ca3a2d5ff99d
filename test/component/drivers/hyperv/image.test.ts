import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Conflict, type InvalidArgument } from '../../../../src/core/errors';
import { sha256File } from '../../../../src/transport/file-hash';
import { DEFAULT_CHUNK, DEFAULT_CONCURRENCY, safeResumeOffset } from '../../../../src/transport/sftp-upload';
import { closeSim, openSim, type SimFixture } from './sim-fixture';

describe('drivers/hyperv/image', () => {
  let f: SimFixture;
  let dir: string;
  let file: string;
  let hash: string;
  const size = 12 * 1024 * 1024 + 12_345;
  before(async () => {
    f = await openSim();
    dir = mkdtempSync(join(tmpdir(), 'virtseal-img-'));
    file = join(dir, 'golden.vhdx');
    writeFileSync(file, randomBytes(size));
    hash = createHash('sha256').update(readFileSync(file)).digest('hex');
  });
  after(async () => {
    await closeSim(f);
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => f.running.sim.faults.clear());

  it('computes a resume offset that stays behind every write that might still be missing', () => {
    expect(safeResumeOffset(0, 100)).to.equal(0);
    expect(safeResumeOffset(10 * 1024 * 1024, 20 * 1024 * 1024)).to.equal(
      10 * 1024 * 1024 - DEFAULT_CHUNK * DEFAULT_CONCURRENCY,
    );
    expect(safeResumeOffset(5_000_000, 20_000_000, 32_768, 64)).to.equal(
      Math.floor((5_000_000 - 2 * 1024 * 1024) / 32_768) * 32_768,
    );
    expect(safeResumeOffset(50_000_000, 90_000_000) % DEFAULT_CHUNK).to.equal(0);
    expect(safeResumeOffset(30, 20)).to.equal(0);
  });

  it('publishes over SFTP with progress, verifies the SHA256 on the host, and lists the image', async () => {
    const progress: number[] = [];
    const r = await f.hv.images.publishImage({
      localPath: file,
      name: 'app-1',
      onProgress: (p) => progress.push(p.sentBytes),
    });
    expect(r).to.deep.include({ skipped: false, resumedFromBytes: 0, sentBytes: size });
    expect(r.image).to.deep.include({ name: 'app-1', sha256: hash, sizeBytes: size });
    expect(r.image.path).to.equal('C:\\ProgramData\\virtseal\\images\\app-1.vhdx');
    expect(progress.length).to.be.greaterThan(10);
    expect(progress[progress.length - 1]).to.equal(size);
    expect(f.running.sim.files.exists(`${r.image.path}.partial`)).to.equal(false);
    expect(
      createHash('sha256')
        .update(readFileSync(f.running.sim.files.local(r.image.path)))
        .digest('hex'),
    ).to.equal(hash);
    const listed = await f.hv.images.listImages();
    expect(listed.find((i) => i.name === 'app-1')).to.deep.include({ sha256: hash, sizeBytes: size });
    expect((await f.hv.images.findImage({ name: 'app-1' }))!.sha256).to.equal(hash);
    expect(await f.hv.images.findImage({ name: 'absent' })).to.equal(undefined);
  });

  it('skips the transfer when the same hash is already there', async () => {
    const before = f.running.sim.stats.sftpSessions;
    const r = await f.hv.images.publishImage({ localPath: file, name: 'app-1' });
    expect(r).to.deep.include({ skipped: true, sentBytes: 0 });
    expect(f.running.sim.stats.sftpSessions).to.equal(before);
  });

  it('trusts the publish-time hash record while it is newer than the image, and re-hashes a changed image', async () => {
    const local = f.running.sim.files.local('C:\\ProgramData\\virtseal\\images\\app-1.vhdx');
    const recorded = 'a'.repeat(64);
    writeFileSync(`${local}.sha256`, `${recorded}\r\n`);
    expect((await f.hv.images.findImage({ name: 'app-1' }))!.sha256).to.equal(recorded);
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(local, readFileSync(file));
    expect((await f.hv.images.findImage({ name: 'app-1' }))!.sha256).to.equal(hash);
  });

  it('refuses a different file under an existing name (VM disks depend on it)', async () => {
    const other = join(dir, 'other.vhdx');
    writeFileSync(other, randomBytes(1000));
    const error = await f.hv.images.publishImage({ localPath: other, name: 'app-1' }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Conflict);
  });

  it('resumes after the SSH connection drops mid-upload and still verifies the whole file', async () => {
    f.running.sim.faults.add({ operation: 'sftp.write', afterBytes: 8 * 1024 * 1024, kind: 'drop', count: 1 });
    const connects = f.hv.session.connection.stats.connects;
    const bytes = f.running.sim.stats.sftpBytes;
    const r = await f.hv.images.publishImage({ localPath: file, name: 'app-2', sha256: hash });
    // Resumed, not restarted: less than (bytes before the drop + the whole file) arrived.
    expect(f.running.sim.stats.sftpBytes - bytes).to.be.below(size + 8 * 1024 * 1024 - 512 * 1024);
    expect(f.running.sim.faults.firedCounts()).to.deep.equal([1]);
    expect(f.hv.session.connection.stats.connects).to.equal(connects + 1);
    expect(r.skipped).to.equal(false);
    expect(r.image.sha256).to.equal(hash);
    expect(await sha256File(f.running.sim.files.local(r.image.path))).to.equal(hash);
  });

  it('resumes a partial upload left by an earlier run, from a safe offset', async () => {
    const partial = f.running.sim.files.ensureParent('C:\\ProgramData\\virtseal\\images\\app-3.vhdx.partial');
    writeFileSync(partial, readFileSync(file).subarray(0, 5 * 1024 * 1024));
    const r = await f.hv.images.publishImage({ localPath: file, name: 'app-3' });
    expect(r.resumedFromBytes).to.equal(safeResumeOffset(5 * 1024 * 1024, size));
    expect(r.resumedFromBytes).to.be.greaterThan(0);
    expect(r.sentBytes).to.equal(size - r.resumedFromBytes);
    expect(r.image.sha256).to.equal(hash);
  });

  it('starts over when a stale partial belongs to another file', async () => {
    const partial = f.running.sim.files.ensureParent('C:\\ProgramData\\virtseal\\images\\app-4.vhdx.partial');
    writeFileSync(partial, randomBytes(5 * 1024 * 1024));
    const r = await f.hv.images.publishImage({ localPath: file, name: 'app-4' });
    expect(r.image.sha256).to.equal(hash);
    expect(r.sentBytes).to.be.greaterThan(size - 1);
  });

  it('names the option for bad input', async () => {
    expect(
      await f.hv.images.publishImage({ localPath: file, name: '../x' }).catch((e: InvalidArgument) => e.option),
    ).to.equal('name');
    expect(
      await f.hv.images
        .publishImage({ localPath: join(dir, 'missing'), name: 'x' })
        .catch((e: InvalidArgument) => e.option),
    ).to.equal('localPath');
    expect(
      await f.hv.images
        .publishImage({ localPath: file, name: 'x', sha256: 'abc' })
        .catch((e: InvalidArgument) => e.option),
    ).to.equal('sha256');
  });
});
