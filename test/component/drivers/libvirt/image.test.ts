/**
 * The libvirt image library on this machine's file system, through the real local runner (find, dd, sha256sum,
 * mv): no QEMU needed, since publishing only moves files into the storage pool.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Conflict } from '../../../../src/core/errors';
import { createLibvirtHypervisor } from '../../../../src/drivers/libvirt/index';
import type { Hypervisor } from '../../../../src/drivers/types';
import { LocalRunner } from '../../../../src/transport/local-exec';

/** A file with the qcow2 magic the driver checks, then `fill` bytes. */
const qcow2 = (fill: number): Buffer =>
  Buffer.concat([Buffer.from([0x51, 0x46, 0x49, 0xfb]), Buffer.alloc(64 * 1024, fill)]);

describe('drivers/libvirt/image on the local file system', () => {
  let dir: string;
  let hv: Hypervisor;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'virtseal-libvirt-image-'));
    hv = await createLibvirtHypervisor({ runner: new LocalRunner(), poolPath: join(dir, 'pool'), domainType: 'qemu' });
  });
  after(async () => {
    await hv?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('publishes, skips the same file, and never replaces an image with a different file', async () => {
    await writeFile(join(dir, 'base-a.qcow2'), qcow2(1));
    await writeFile(join(dir, 'base-b.qcow2'), qcow2(2));
    const first = await hv.images.publishImage({ localPath: join(dir, 'base-a.qcow2'), name: 'base' });
    expect(first.skipped).to.equal(false);
    expect((await hv.images.publishImage({ localPath: join(dir, 'base-a.qcow2'), name: 'base' })).skipped).to.equal(
      true,
    );

    const error = await hv.images
      .publishImage({ localPath: join(dir, 'base-b.qcow2'), name: 'base' })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Conflict);
    expect((error as Error).message).to.match(
      /^image base already exists on the host with sha256 [0-9a-f]{64}; publish the new file under another name$/,
    );
    expect(await readFile(first.image.path)).to.deep.equal(qcow2(1));
  });

  it('keeps ISOs (kind iso) beside the disks: <name>.iso with its hash, skipped when the same, never replaced', async () => {
    const iso = (fill: number): Buffer =>
      Buffer.concat([Buffer.alloc(32769, 0), Buffer.from('CD001'), Buffer.alloc(4096, fill)]);
    await writeFile(join(dir, 'agent-a.iso'), iso(1));
    await writeFile(join(dir, 'agent-b.iso'), iso(2));
    expect(await hv.images.findImage({ name: 'virtseal-linux-1.0.0', kind: 'iso' })).to.equal(undefined);
    const first = await hv.images.publishImage({
      localPath: join(dir, 'agent-a.iso'),
      name: 'virtseal-linux-1.0.0',
      kind: 'iso',
    });
    expect(first.skipped).to.equal(false);
    expect(first.image.path).to.equal(join(dir, 'pool', 'images', 'virtseal-linux-1.0.0.iso'));
    expect(await readFile(first.image.path)).to.deep.equal(iso(1));
    const found = await hv.images.findImage({ name: 'virtseal-linux-1.0.0', kind: 'iso' });
    expect(found?.sha256).to.equal(first.image.sha256);
    expect(
      (await hv.images.publishImage({ localPath: join(dir, 'agent-a.iso'), name: 'virtseal-linux-1.0.0', kind: 'iso' }))
        .skipped,
    ).to.equal(true);
    const error = await hv.images
      .publishImage({ localPath: join(dir, 'agent-b.iso'), name: 'virtseal-linux-1.0.0', kind: 'iso' })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Conflict);
    // The disk listing is unchanged: an ISO is not a golden disk.
    expect((await hv.images.listImages()).map((i) => i.name)).to.not.include('virtseal-linux-1.0.0');
  });
});
