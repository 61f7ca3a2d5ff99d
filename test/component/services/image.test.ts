import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Conflict } from '../../../src/core/errors';
import { publishImage } from '../../../src/services/image';
import { sha256File } from '../../../src/transport/file-hash';
import { makeDiskImage } from '../../helpers/disk-images';
import { registrySnapshot, startWorld, type SimWorld } from './sim-session';

describe('services/image against two simulated hosts', function () {
  this.timeout(120_000);
  let a: SimWorld;
  let b: SimWorld;
  let dir: string;
  let src: string;
  let size = 0;

  before(async () => {
    [a, b] = await Promise.all([startWorld(), startWorld()]);
    dir = mkdtempSync(join(tmpdir(), 'virtseal-image-'));
    src = join(dir, 'rocky-9.vhdx');
    size = makeDiskImage(src, 'vhdx', { fill: 0x5a });
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  async function publishTo(
    worlds: readonly SimWorld[],
    request: { name: string; src: string; sha256?: string },
    check = false,
  ) {
    const sessions = await Promise.all(
      worlds.map(async (w) => ({ host: w === a ? 'hv-a' : 'hv-b', session: await w.open(check) })),
    );
    try {
      return await publishImage(sessions, request);
    } finally {
      await Promise.all(sessions.map((s) => s.session.close()));
    }
  }
  const publish = (check: boolean, sha256?: string) =>
    publishTo([a, b], { name: 'rocky-9', src, ...(sha256 ? { sha256 } : {}) }, check);

  it('check mode says what it would send and sends nothing', async () => {
    const before = [registrySnapshot(a.registry), registrySnapshot(b.registry)];
    const result = await publish(true);
    expect(result.changes).to.deep.equal([
      `hv-a: publish image 'rocky-9' from ${src}`,
      `hv-b: publish image 'rocky-9' from ${src}`,
    ]);
    expect([registrySnapshot(a.registry), registrySnapshot(b.registry)]).to.deep.equal(before);
  });

  it('publishes to both hosts with progress, then skips them on a re-run', async () => {
    const first = await publish(false);
    expect(first.changed).to.equal(true);
    expect(first.image).to.deep.equal({
      name: 'rocky-9',
      kind: 'disk',
      sha256: await sha256File(src),
      size_bytes: size,
    });
    for (const host of first.hosts) {
      expect(host.skipped).to.equal(false);
      expect(host.sent_bytes).to.equal(size);
      expect(host.progress[host.progress.length - 1]).to.equal(100);
    }
    const again = await publish(false);
    expect(again.changed).to.equal(false);
    expect(again.hosts.map((h) => h.skipped)).to.deep.equal([true, true]);
  });

  it('refuses a source whose hash differs from the one given, naming the option', async () => {
    try {
      await publish(false, '0'.repeat(64));
      expect.fail('published');
    } catch (error) {
      expect((error as { reason: string; details: { option: string } }).details.option).to.equal('sha256');
    }
  });

  it('refuses a different file under a name a host holds, before sending anything to any host', async () => {
    const first = join(dir, 'alma-9-a.vhdx');
    const second = join(dir, 'alma-9-b.vhdx');
    makeDiskImage(first, 'vhdx', { fill: 0x11 });
    makeDiskImage(second, 'vhdx', { fill: 0x22 });
    await publishTo([b], { name: 'alma-9', src: first });
    const error = await publishTo([a, b], { name: 'alma-9', src: second }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Conflict);
    expect((error as Conflict).message).to.match(
      /^image 'alma-9' already exists on hv-b with SHA-256 [0-9a-f]{64}; publish the new file under another name$/,
    );
    expect((error as Conflict).details.option).to.equal('name');
    const onA = await a.open();
    try {
      expect(await onA.hv.images.findImage({ name: 'alma-9' })).to.equal(undefined);
    } finally {
      await onA.close();
    }
  });
});
