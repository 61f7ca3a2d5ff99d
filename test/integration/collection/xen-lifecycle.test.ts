/**
 * create → stop → start → delete through the real playbooks and ansible-playbook against the fake XAPI pool, the
 * guests running the real Linux agent with its xenstore transport, and the credentials passed as the AWX credential
 * type does (VIRTSEAL_HOST_*, with hypervisor xen and the pinned certificate fingerprint).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ROOT } from '../../../build/generate';
import { AgentGuests } from '../../../src/sim/xapi/agent-guests';
import { FakeXapi } from '../../../src/sim/xapi/server';
import { AnsibleWorkspace, type PlaybookReport, type PlaybookRun } from '../../helpers/ansible';
import { failedTask, task } from './harness';
import { KEY } from './vars';

describe('collection: VM lifecycle through ansible-playbook and the fake XAPI pool', function () {
  this.timeout(900_000);
  let ws: AnsibleWorkspace;
  let fake: FakeXapi;
  let guests: AgentGuests;
  const password = randomBytes(18).toString('base64url');
  let runs = 0;

  const play = (
    name: string,
    vars: Record<string, unknown>,
    options: { check?: boolean } = {},
  ): Promise<PlaybookRun> => {
    const n = ++runs;
    const varsFile = join(ws.dir, `vars-${n}.json`);
    const reportFile = join(ws.dir, `report-${n}.json`);
    writeFileSync(varsFile, JSON.stringify({ vm_host: fake.url.replace('https://', ''), ...vars }), { mode: 0o600 });
    const env = ws.env({
      VIRTSEAL_HOST_USER: 'root',
      VIRTSEAL_HOST_PASSWORD: password,
      VIRTSEAL_HOST_HYPERVISOR: 'xen',
      VIRTSEAL_HOST_XAPI_FINGERPRINT: fake.tls.fingerprint256,
      ANSIBLE_PYTHON_INTERPRETER: 'auto_silent',
      VIRTSEAL_CALLBACK_OUT: reportFile,
    });
    const args = [
      '-i',
      'localhost,',
      '-e',
      `@${varsFile}`,
      ...(options.check ? ['--check', '--diff'] : []),
      join(ROOT, 'playbooks', `${name}.yml`),
    ];
    return new Promise((resolve) => {
      execFile('ansible-playbook', args, { cwd: ws.dir, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        const report = existsSync(reportFile)
          ? (JSON.parse(readFileSync(reportFile, 'utf8')) as PlaybookReport)
          : undefined;
        resolve({ code, stdout, stderr, ...(report ? { report } : {}) });
      });
    });
  };
  const vm = () => fake.state.db.all('VM').find(([, r]) => r.name_label === 'web01' && !r.is_a_template)?.[1];

  before(async () => {
    ws = new AnsibleWorkspace();
    ws.install(await ws.buildCollection('embedded'));
    guests = new AgentGuests();
    fake = await FakeXapi.start({ guests, users: { root: { password, role: 'vm-power-admin' } } });
    writeFileSync(join(ws.dir, 'golden.raw'), randomBytes(2 * 1024 * 1024));
  });
  after(async () => {
    await fake?.stop();
    ws?.close();
  });

  const createVars = {
    vm_name: 'web01',
    vm_image: 'debian-12-golden',
    vm_cpu_count: 2,
    vm_memory_mb: 2048,
    vm_disk_gb: 20,
    vm_generation: 2,
    vm_secure_boot: 'on',
    vm_tpm: 'no',
    vm_network: 'LAN',
    vm_ipv4_address: '192.0.2.50/24',
    vm_ipv4_gateway: '192.0.2.1',
    vm_dns_servers: '192.0.2.53',
    vm_tags: 'web,prod',
    vm_admin_user: 'admin',
    vm_admin_password: 'Correct-Horse-7',
    vm_ssh_authorized_key: KEY,
    vm_guest_config_timeout: 180,
    vm_wait_timeout: 60,
  };

  it('publishes the image, creates, seals over xenstore, starts and waits for the address', async () => {
    const run = await play('create', { ...createVars, vm_hypervisor: 'xen', vm_image_src: join(ws.dir, 'golden.raw') });
    expect(run.code, run.code ? JSON.stringify(failedTask(run)) + run.stderr.slice(-2000) : '').to.equal(0);
    expect(task(run, 'Send the sealed guest configuration').result).to.include({ changed: true, outcome: 'applied' });
    const started = task(run, 'Start the VM and wait for its address').result as { vm: { ip_addresses: string[] } };
    expect(started.vm.ip_addresses.length).to.be.greaterThan(0);
    const r = vm()!;
    expect(r.power_state).to.equal('Running');
    expect(r.tags).to.deep.equal(['web', 'prod']);
    expect((r.platform as Record<string, string>).secureboot).to.equal('true');
    expect(r.xenstore_data, 'host items removed after the exchange').to.deep.equal({});
    const root = guests.dirs(String(r.uuid)).root;
    expect(readFileSync(join(root, 'etc/hostname'), 'utf8')).to.equal('web01\n');
    expect(readFileSync(join(root, 'home/admin/.ssh/authorized_keys'), 'utf8')).to.include(KEY);
    const db = JSON.stringify(fake.state.db.log) + JSON.stringify(fake.state.xs.dump('/'));
    expect(db).to.not.include('Correct-Horse-7');
  });

  it('reports no change when run again with the same answers', async () => {
    const run = await play('create', { ...createVars, vm_hypervisor: 'xen' });
    expect(run.code, run.code ? JSON.stringify(failedTask(run)) : '').to.equal(0);
    const changed = run
      .report!.tasks.filter((t) => t.hosts.localhost?.status === 'changed')
      .map((t) => `${t.name}: ${JSON.stringify(t.hosts.localhost!.result.changes ?? t.hosts.localhost!.result.diff)}`);
    expect(changed).to.deep.equal([]);
    expect(task(run, 'Send the sealed guest configuration').result).to.include({
      changed: false,
      outcome: 'already_applied',
    });
  });

  it('stops gracefully, then starts again', async () => {
    const stop = await play('stop', { vm_name: 'web01', vm_force: 'no', vm_hypervisor: 'xen' });
    expect(stop.code, stop.stdout + stop.stderr).to.equal(0);
    expect(task(stop, 'Stop the VM').result.changes).to.deep.equal(["shut down VM 'web01'"]);
    expect(vm()!.power_state).to.equal('Halted');
    const start = await play('start', { vm_name: 'web01', vm_hypervisor: 'xen' });
    expect(start.code, start.stdout + start.stderr).to.equal(0);
    expect(vm()!.power_state).to.equal('Running');
  });

  it('deletes the VM with its disks', async () => {
    const vdis = fake.state.db.all('VDI').length;
    const run = await play('delete', { vm_name: 'web01', vm_delete_confirm: 'web01', vm_hypervisor: 'xen' });
    expect(run.code, run.stdout.slice(-3000) + run.stderr).to.equal(0);
    expect(vm()).to.equal(undefined);
    expect(fake.state.db.all('VDI').length).to.equal(vdis - 1);
  });
});
