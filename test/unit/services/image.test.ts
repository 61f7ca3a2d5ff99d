import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { publishImage, sha256File } from '../../../src/services/image';
import { registrySnapshot, startWorld, type SimWorld } from './sim-session';

describe('services/image against two simulated hosts', function () {
  this.timeout(120_000);
  let a: SimWorld;
  let b: SimWorld;
  let dir: string;
  let src: string;

  before(async () => {
    [a, b] = await Promise.all([startWorld(), startWorld()]);
    dir = mkdtempSync(join(tmpdir(), 'virtseal-image-'));
    src = join(dir, 'rocky-9.vhdx');
    writeFileSync(src, Buffer.alloc(3 * 1024 * 1024 + 17, 0x5a));
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  async function publish(check: boolean, sha256?: string) {
    const sessions = [{ host: 'hv-a', session: await a.open(check) }, { host: 'hv-b', session: await b.open(check) }];
    try {
      return await publishImage(sessions, { name: 'rocky-9', src, ...(sha256 ? { sha256 } : {}) });
    } finally {
      await Promise.all(sessions.map((s) => s.session.close()));
    }
  }

  it('check mode says what it would send and sends nothing', async () => {
    const before = [registrySnapshot(a.registry), registrySnapshot(b.registry)];
    const result = await publish(true);
    expect(result.changes).to.deep.equal([`hv-a: publish image 'rocky-9' from ${src}`, `hv-b: publish image 'rocky-9' from ${src}`]);
    expect([registrySnapshot(a.registry), registrySnapshot(b.registry)]).to.deep.equal(before);
  });

  it('publishes to both hosts with progress, then skips them on a re-run', async () => {
    const first = await publish(false);
    expect(first.changed).to.equal(true);
    expect(first.image).to.deep.equal({ name: 'rocky-9', sha256: await sha256File(src), size_bytes: 3 * 1024 * 1024 + 17 });
    for (const host of first.hosts) {
      expect(host.skipped).to.equal(false);
      expect(host.sent_bytes).to.equal(3 * 1024 * 1024 + 17);
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
});
