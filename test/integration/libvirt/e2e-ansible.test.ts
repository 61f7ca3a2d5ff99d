/**
 * End to end on a real hypervisor: the debootstrap golden image (systemd, cloud-init, qemu-guest-agent, the
 * virtseal Linux agent) under libvirt/QEMU TCG, driven by real ansible-playbook with the collection's playbooks:
 * publish → create (VM + sealed config over the QEMU guest agent) → checks inside the guest → stop → start →
 * delete. A canary password proves no secret reaches the guest's disk, its pool files, the VM's disk file on the
 * host or Ansible's output.
 */
import { expect } from 'chai';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalRunner } from '../../../src/transport/local-exec';
import { createLibvirtHypervisor, type LibvirtHypervisor } from '../../../src/drivers/libvirt/index';
import { GuestFiles } from '../../../src/drivers/libvirt/guest-files';
import { decodePool } from '../../../src/seal/kvp-pool-file';
import { AnsibleWorkspace } from '../../helpers/ansible';
import { startSshd, type TestSshd } from '../../helpers/sshd';
import { type LibvirtHost, ensureLibvirtd, libvirtSkipReason } from './libvirt-host';
import { buildGuest, makePool, repoRoot } from './guest-fixture';

const CANARY = `Canary-${randomBytes(9).toString('hex')}-pw`;
const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ3Yc3Uo0bZ6Q1w1mI2QpQ6Yy8m3cV7yZp0Y1k8hLh2s e2e@virtseal';
const VM = `vs-e2e-${process.pid}`;
const BRIDGE = `vse${process.pid % 100000}`;

interface Run {
  readonly code: number;
  readonly out: string;
}

describe('end to end: ansible-playbook + libvirt + a Debian guest under TCG', function () {
  this.timeout(900_000);
  let libvirt: LibvirtHost | undefined;
  let pool: Awaited<ReturnType<typeof makePool>> | undefined;
  let ws: AnsibleWorkspace | undefined;
  let inventory = '';
  let image = '';
  let hv: LibvirtHypervisor;
  let netUp = false;
  let sshd: TestSshd | undefined;
  let hostKeyFingerprint = '';
  const started = Date.now();

  const playbook = async (name: string, vars: Record<string, unknown>): Promise<Run> => {
    // Variables go through a 0600 file, never the command line (they include the canary password).
    const varsFile = join(ws!.dir, `vars-${name}.json`);
    await writeFile(
      varsFile,
      JSON.stringify({ vm_host: `127.0.0.1:${sshd!.port}`, vm_hypervisor: 'libvirt', ...vars }),
      { mode: 0o600 },
    );
    // The libvirt host is this machine reached over OpenSSH on loopback, with the AWX credential's variables.
    const env = ws!.env({
      ANSIBLE_STDOUT_CALLBACK: 'default',
      VIRTSEAL_HOST_USER: sshd!.user,
      VIRTSEAL_HOST_PRIVATE_KEY: await readFile(sshd!.keyFile, 'utf8'),
      VIRTSEAL_HOST_KEY_FINGERPRINT: hostKeyFingerprint,
      VIRTSEAL_LIBVIRT_POOL_PATH: pool!.path,
      VIRTSEAL_LIBVIRT_CONSOLE_LOG_DIR: pool!.path,
    });
    return new Promise((resolve) => {
      execFile(
        'ansible-playbook',
        ['-i', inventory, '-e', `@${varsFile}`, join(repoRoot, 'playbooks', `${name}.yml`)],
        { env, cwd: ws!.dir, maxBuffer: 64 << 20 },
        (err, stdout, stderr) => {
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}\n${stderr}` });
        },
      );
    });
  };
  const expectOk = (run: Run, what: string): void => {
    const fatal = run.out.split('\n').find((l) => l.startsWith('fatal:')) ?? '';
    expect(run.code, `${what}:\n${fatal.slice(0, 1500)}\n${run.out.slice(-1500)}`).to.equal(0);
    expect(run.out, `${what} printed the canary`).not.to.contain(CANARY);
  };
  const guest = (): GuestFiles => new GuestFiles(hv.ctx.host, VM);

  before(async function () {
    const skip = libvirtSkipReason();
    if (skip) {
      console.log(`      skipped: ${skip}`);
      this.skip();
    }
    if (spawnable('ansible-playbook') === false) {
      console.log('      skipped: ansible-playbook is not installed (build/install-deps.sh installs ansible-core)');
      this.skip();
    }
    libvirt = await ensureLibvirtd();
    sshd = await startSshd();
    hostKeyFingerprint = execFileSync('ssh-keygen', ['-lf', join(sshd.dir, 'host_key.pub')], {
      encoding: 'utf8',
    }).split(' ')[1]!;
    image = await buildGuest('debian');
    pool = await makePool();
    // A host bridge without addresses or firewall rules for the guest's NIC (`network: bridge:<name>`).
    execFileSync('ip', ['link', 'add', 'name', BRIDGE, 'type', 'bridge']);
    netUp = true;
    execFileSync('ip', ['link', 'set', BRIDGE, 'up']);
    ws = new AnsibleWorkspace();
    ws.install(await ws.buildCollection());
    inventory = ws.inventory();
    hv = (await createLibvirtHypervisor({
      runner: new LocalRunner(),
      uri: libvirt.uri,
      poolPath: pool.path,
    })) as LibvirtHypervisor;
  });

  after(async () => {
    // Each cleanup on its own: one failing (libvirtd gone, say) must not leave the others undone.
    const attempt = async (what: string, fn: () => unknown): Promise<void> => {
      try {
        await fn();
      } catch (e) {
        console.log(`      cleanup: ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    await attempt('delete the VM', async () => {
      const vm = hv ? await hv.vms.findVm({ ref: { name: VM } }) : undefined;
      if (vm) await hv.vms.deleteVm({ id: vm.id, removeOwnedDisks: true });
    });
    if (netUp) await attempt('remove the bridge', () => execFileSync('ip', ['link', 'del', BRIDGE]));
    await attempt('remove the ansible workspace', () => ws?.close());
    await attempt('stop sshd', () => sshd?.stop());
    await attempt('remove the pool', () => pool?.remove());
    console.log(`      end-to-end wall time ${Math.round((Date.now() - started) / 1000)} s`);
  });

  it('publishes the golden image with the publish_image playbook', async () => {
    expectOk(await playbook('publish_image', { vm_image: 'debian-e2e', vm_image_src: image }), 'publish_image');
    expect((await hv.images.findImage({ name: 'debian-e2e' }))?.sizeBytes).to.be.greaterThan(0);
  });

  it('creates the VM and applies the sealed configuration with the create playbook', async () => {
    const run = await playbook('create', {
      vm_name: VM,
      vm_image: 'debian-e2e',
      vm_cpu_count: 2,
      vm_memory_mb: 1024,
      vm_disk_gb: 4,
      // This image boots its kernel directly (no boot loader to verify), so it runs without secure boot.
      vm_secure_boot: 'off',
      vm_network: `bridge:${BRIDGE}`,
      vm_ipv4_address: '192.0.2.10/24',
      vm_admin_user: 'vsadmin',
      vm_admin_password: CANARY,
      vm_ssh_authorized_key: SSH_KEY,
      vm_guest_config_timeout: 600,
      vm_wait_timeout: 600,
    });
    expectOk(run, 'create');
    expect(run.out).to.contain('192.0.2.10');
    const vm = (await hv.vms.findVm({ ref: { name: VM } }))!;
    expect(vm.state).to.equal('running');
    expect(vm.ipAddresses).to.include('192.0.2.10');
  });

  it('finds hostname, admin user and SSH key applied in the guest, and no secret or private key left', async () => {
    const g = guest();
    expect((await g.run(['/bin/hostname'])).stdout.trim()).to.equal(VM);
    expect((await g.run(['/usr/bin/getent', 'passwd', 'vsadmin'])).stdout).to.match(
      /^vsadmin:x:\d+:\d+:.*:\/home\/vsadmin:/,
    );
    expect((await g.read('/home/vsadmin/.ssh/authorized_keys'))?.toString()).to.contain(SSH_KEY);
    const shadow = (await g.run(['/usr/bin/getent', 'shadow', 'vsadmin'])).stdout;
    expect(shadow).to.match(/^vsadmin:\$6\$/);
    // The canary reaches grep through stdin, never an argument vector.
    const scan = await g.run(
      ['/bin/grep', '-rlF', '-f', '/dev/stdin', '/etc', '/var', '/root', '/home', '/tmp', '/run', '/usr/local'],
      { stdin: Buffer.from(CANARY), timeoutMs: 300_000 },
    );
    expect(scan.stdout.trim(), 'files holding the password').to.equal('');
    const keys = await g.run(
      [
        '/bin/grep',
        '-rlE',
        '-----BEGIN ([A-Z]+ )?PRIVATE KEY-----',
        '/etc',
        '/var',
        '/root',
        '/home',
        '/tmp',
        '/run',
        '/usr/local',
      ],
      { timeoutMs: 300_000 },
    );
    expect(keys.stdout.trim(), 'files holding a private key').to.equal('');
    const pools = await Promise.all(
      [0, 1].map(async (n) => (await g.read(`/var/lib/virtseal/kvp/.kvp_pool_${n}`)) ?? Buffer.alloc(0)),
    );
    for (const [n, pool] of pools.entries())
      expect(pool.includes(Buffer.from(CANARY)), `canary in pool ${n}`).to.equal(false);
    expect(
      decodePool(pools[0]!).filter(([k]) => k.startsWith('virtseal.')),
      'host items left in pool 0',
    ).to.deep.equal([]);
    // The guest keeps only its applied record (VM id, attempt, salted config digest, MAC; no secret), so a rerun
    // with the same config reports already_applied.
    const guestItems = decodePool(pools[1]!).filter(([k]) => k.startsWith('virtseal.'));
    expect(guestItems.map(([k]) => k)).to.deep.equal(['virtseal.applied']);
    expect(guestItems[0]![1]).to.match(/^3 [0-9a-f-]+ [0-9a-f]{32} [0-9a-f]{32} [0-9a-f]{64} [0-9a-f]{64}$/);
    expect((await g.run(['/bin/ls', '/run/virtseal'])).exitCode, 'the runtime directory is gone').to.not.equal(0);
  });

  it('stops the VM with the stop playbook and leaves no secret in its disk file', async () => {
    // The minimal guest's logind does not act on the ACPI power button: the stop is forced after 60 s.
    expectOk(await playbook('stop', { vm_name: VM, vm_shutdown_timeout: 60, vm_force: 'yes' }), 'stop');
    const vm = (await hv.vms.findVm({ ref: { name: VM } }))!;
    expect(vm.state).to.equal('off');
    const disk = await readFile(vm.disks[0]!.path);
    expect(disk.includes(Buffer.from(CANARY)), 'canary in the VM disk file').to.equal(false);
  });

  it('starts the VM again with the start playbook and gets its address back', async () => {
    const run = await playbook('start', { vm_name: VM, vm_wait_timeout: 600 });
    expectOk(run, 'start');
    expect(run.out).to.contain('192.0.2.10');
    expect((await guest().run(['/bin/hostname'])).stdout.trim()).to.equal(VM);
  });

  it('deletes the VM and its disk with the delete playbook, keeping the image', async () => {
    const vm = (await hv.vms.findVm({ ref: { name: VM } }))!;
    const refused = await playbook('delete', { vm_name: VM, vm_delete_confirm: 'something else' });
    expect(refused.code).to.not.equal(0);
    expect(await hv.vms.findVm({ ref: { name: VM } })).to.not.equal(undefined);
    expectOk(
      await playbook('delete', { vm_name: VM, vm_delete_confirm: VM, vm_force: 'yes', vm_shutdown_timeout: 60 }),
      'delete',
    );
    expect(await hv.vms.findVm({ ref: { name: VM } })).to.equal(undefined);
    expect(
      await access(vm.disks[0]!.path).then(
        () => true,
        () => false,
      ),
    ).to.equal(false);
    expect(await hv.images.findImage({ name: 'debian-e2e' })).to.not.equal(undefined);
  });
});

function spawnable(program: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', program], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
