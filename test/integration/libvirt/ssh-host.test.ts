/**
 * The libvirt driver against a "remote" host over real OpenSSH on loopback: `openHypervisor` picks the libvirt
 * branch, virsh/qemu-img run through SSH exec channels, the image goes up over SFTP, a VM is defined and deleted.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHypervisor } from '../../../src/drivers/registry';
import type { Hypervisor } from '../../../src/drivers/types';
import { startSshd, type TestSshd } from '../../helpers/sshd';
import { type LibvirtHost, libvirtOrSkip } from './libvirt-host';
import { makePool } from './guest-fixture';

describe('libvirt driver over SSH to a loopback host', function () {
  this.timeout(180_000);
  let libvirt: LibvirtHost | undefined;
  let sshd: TestSshd | undefined;
  let pool: Awaited<ReturnType<typeof makePool>> | undefined;
  let work = '';
  let hv: Hypervisor | undefined;
  const saved = process.env.VIRTSEAL_LIBVIRT_POOL_PATH;

  before(async function () {
    libvirt = await libvirtOrSkip(this);
    sshd = await startSshd();
    pool = await makePool();
    work = await mkdtemp(join(tmpdir(), 'virtseal-ssh-libvirt-'));
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(work, 'tiny.qcow2'), '32M']);
    process.env.VIRTSEAL_LIBVIRT_POOL_PATH = pool.path;
    hv = await openHypervisor({
      hypervisor: 'libvirt',
      ssh: {
        host: '127.0.0.1',
        port: sshd.port,
        user: sshd.user,
        privateKey: await readFile(sshd.keyFile, 'utf8'),
        acceptUnknownHostKey: true,
      },
      settings: { libvirt_uri: libvirt.uri },
    });
  });

  after(async () => {
    if (saved === undefined) delete process.env.VIRTSEAL_LIBVIRT_POOL_PATH;
    else process.env.VIRTSEAL_LIBVIRT_POOL_PATH = saved;
    await hv?.close();
    await sshd?.stop();
    await pool?.remove();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('reports host facts through SSH', async () => {
    const facts = await hv!.facts();
    expect(facts.hypervisor).to.equal('libvirt');
    expect(facts.version).to.match(/^\d+\.\d+/);
    expect(facts.storage[0]!.path).to.equal(pool!.path);
    expect(facts.extra).to.include({ uri: libvirt!.uri });
  });

  it('publishes an image over SFTP and verifies its hash on the host', async () => {
    const progress: number[] = [];
    const r = await hv!.images.publishImage({
      localPath: join(work, 'tiny.qcow2'),
      name: 'tiny',
      onProgress: (p) => progress.push(p.sentBytes),
    });
    expect(r.skipped).to.equal(false);
    expect(progress.at(-1)).to.equal(r.image.sizeBytes);
    expect((await hv!.images.findImage({ name: 'tiny' }))!.sha256).to.equal(r.image.sha256);
  });

  it('defines, reads back and deletes a VM with a hostile name', async () => {
    const name = `ssh "quoted" 'single' $(id) ; rm -rf ~ ${process.pid}`;
    const vm = await hv!.vms.createVm({
      spec: {
        name,
        generation: 1,
        cpuCount: 1,
        memory: { startupMb: 128 },
        disks: [{ name: 'os', image: 'tiny', clone: 'copy' }],
        nics: [],
      },
    });
    expect(vm.name).to.equal(name);
    expect((await hv!.vms.findVm({ ref: { name } }))!.id).to.equal(vm.id);
    await hv!.vms.deleteVm({ id: vm.id, removeOwnedDisks: true });
    expect(await hv!.vms.findVm({ ref: { id: vm.id } })).to.equal(undefined);
  });
});
