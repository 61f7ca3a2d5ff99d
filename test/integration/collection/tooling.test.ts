/**
 * The rest of what AWX uses: publish_image.yml, the dynamic inventory executable through the project wrapper and
 * ansible-inventory, and ansible-lint over the playbooks with the built collection installed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { bundleInventory } from '../../../build/build';
import { runCli } from '../../../src/cli/app';
import { ROOT } from '../../../build/generate';
import { registrySnapshot } from '../../component/services/sim-session';
import { CollectionHarness, task } from './harness';
import { createVars } from './vars';
import { makeDiskImage } from '../../helpers/disk-images';

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd = ROOT,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, cwd, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('collection: image publishing, dynamic inventory, lint', function () {
  this.timeout(600_000);
  let h: CollectionHarness;
  let scratch: string;

  before(async () => {
    h = await CollectionHarness.start();
    scratch = mkdtempSync(join(tmpdir(), 'virtseal-tooling-'));
  });
  after(async () => {
    await h?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('publish_image.yml uploads a new image once and skips it the second time', async () => {
    const src = join(scratch, 'alma-9.vhdx');
    const size = makeDiskImage(src, 'vhdx', { fill: 7 });
    const vars = { vm_image: 'alma-9', vm_image_src: src };
    // Check mode of create.yml with an image it would publish first: the VM task reports the VM it would make.
    const before = registrySnapshot(h.world.sim.registry);
    const checked = await h.play('create', { ...createVars, vm_name: 'alma01', ...vars }, { check: true });
    expect(checked.code, checked.stdout + checked.stderr).to.equal(0);
    expect(task(checked, 'Publish the image when a source is given').status).to.equal('changed');
    const wouldCreate = task(checked, 'Create the VM');
    expect(wouldCreate.status).to.equal('changed');
    expect(wouldCreate.result.changes).to.deep.equal([
      "create VM 'alma01' (2 CPU, 2048 MiB; disks: os = differencing disk of image 'alma-9' grown to 20 GiB; NICs: nic0 on 'LAN' VLAN 120)",
    ]);
    expect(wouldCreate.result.warnings).to.deep.equal([
      "image 'alma-9' (option 'image') is not on the host yet: the real run fails unless an earlier task publishes it",
    ]);
    expect(registrySnapshot(h.world.sim.registry)).to.equal(before);

    const first = await h.play('publish_image', vars);
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    const published = task(first, 'Publish the image').result as {
      changed: boolean;
      hosts: { skipped: boolean; sent_bytes: number; progress: number[] }[];
    };
    expect(published.changed).to.equal(true);
    expect(published.hosts[0]).to.deep.include({ skipped: false, sent_bytes: size });
    const second = await h.play('publish_image', vars);
    expect((task(second, 'Publish the image').result as { hosts: { skipped: boolean }[] }).hosts[0]!.skipped).to.equal(
      true,
    );
    const created = await h.play('create', {
      ...createVars,
      vm_name: 'alma01',
      vm_image: 'alma-9',
      vm_image_src: src,
      vm_start: 'no',
    });
    expect(created.code, created.stdout + created.stderr).to.equal(0);
    expect(task(created, 'Publish the image when a source is given').status, 'already there').to.equal('ok');
    expect(h.world.sim.registry.vmsNamed('alma01')).to.have.length(1);
  });

  it('the dynamic inventory lists VMs grouped by host, power state and tag through ansible-inventory', async () => {
    const script = join(scratch, 'virtseal_inventory');
    await bundleInventory(script);
    const env = {
      ...h.ws.env(h.credentialEnv()),
      VIRTSEAL_INVENTORY_SCRIPT: script,
      VIRTSEAL_INVENTORY_HOSTS: `${h.hostAddress},127.0.0.1:1`,
    };
    const listed = await run('ansible-inventory', ['-i', join(ROOT, 'playbooks/inventory/virtseal.sh'), '--list'], env);
    expect(listed.code, listed.stderr).to.equal(0);
    const inventory = JSON.parse(listed.stdout) as Record<string, { hosts?: string[] }> & {
      _meta: { hostvars: Record<string, Record<string, unknown>> };
    };
    const group = `host_127_0_0_1_${h.world.sim.port}`;
    expect(inventory[group]!.hosts).to.include('alma01');
    expect(inventory.power_off!.hosts).to.include('alma01');
    expect(inventory.tag_web!.hosts).to.include('alma01');
    expect(inventory._meta.hostvars.alma01).to.deep.include({
      virtseal_power_state: 'off',
      virtseal_hypervisor_host: h.hostAddress,
    });
    expect(listed.stderr).to.include('skipping 127.0.0.1:1');

    const one = await run('node', [script, '--host', 'alma01'], env);
    expect(JSON.parse(one.stdout)).to.include({ virtseal_vm_name: 'alma01' });
    const strict = await run('node', [script, '--list'], { ...env, VIRTSEAL_INVENTORY_STRICT: '1' });
    expect(strict.code).to.equal(1);
    expect(strict.stderr.trim().split('\n').pop()).to.match(
      /^virtseal inventory: cannot read every hypervisor host: 127\.0\.0\.1:1: /,
    );
  });

  it('virtseal inventory prints the same inventory from the CLI', async () => {
    const vars = { ...h.credentialEnv(), VIRTSEAL_INVENTORY_HOSTS: h.hostAddress };
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    Object.assign(process.env, vars);
    const out: string[] = [];
    const err: string[] = [];
    try {
      const code = await runCli(['inventory', '--list'], {
        out: (t) => void out.push(t),
        err: (t) => void err.push(t),
      });
      expect(code, err.join('')).to.equal(0);
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
    const inventory = JSON.parse(out.join('')) as { power_off: { hosts: string[] } };
    expect(inventory.power_off.hosts).to.include('alma01');
  });

  it('ansible-lint passes the playbooks with the production profile, and fails a bad one', async () => {
    // awx_setup.yml uses awx.awx, from Debian's ansible package.
    const env = {
      ...h.ws.env(),
      ANSIBLE_COLLECTIONS_PATH: `${h.ws.collectionsPath}:/usr/lib/python3/dist-packages`,
      HOME: scratch,
      NO_COLOR: '1',
      COLUMNS: '200',
    };
    const lint = await run('ansible-lint', ['--offline', '-p', 'playbooks/'], env);
    expect(lint.code, lint.stdout + lint.stderr).to.equal(0);
    // eslint-disable-next-line no-control-regex
    const text = (lint.stdout + lint.stderr).replace(/\u001b\[[0-9;]*m|\u001b\]8;[^\u001b]*\u001b\\/g, '');
    expect(text).to.match(/Passed with production profile: 0 failure\(s\), 0 warning\(s\)/);

    const bad = join(scratch, 'bad');
    cpSync(join(ROOT, 'playbooks'), bad, { recursive: true });
    writeFileSync(join(bad, 'start.yml'), '- hosts: localhost\n  tasks:\n    - shell: echo {{ vm_name }}\n');
    const failing = await run('ansible-lint', ['--offline', '-p', bad], env, scratch);
    expect(failing.code).to.not.equal(0);
  });
});
