import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { type RunningBridge, startBridge } from '../../../src/netbox/bridge';
import { jsonLogger } from '../../../src/netbox/log';
import { buildMapping } from '../../../src/netbox/mapping';
import { Redactor } from '../../../src/netbox/secrets';
import { eventually, postEvent, vmEvent } from './events';

const FIXTURES = fileURLToPath(new URL('../../fixtures/netbox/', import.meta.url));
const SECRET = 'local-webhook-canary-3c3';
const PASSWORD = 'Pw-canary-a1b2c3-$(reboot)';

describe('netbox bridge with a local ansible-playbook run (real ansible-core)', function () {
  this.timeout(120_000);
  let dir: string;
  let out: string;
  let bridge: RunningBridge;
  const logs: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'virtseal-netbox-local-'));
    out = join(dir, 'out');
    mkdirSync(out);
    const redactor = new Redactor();
    redactor.add(SECRET);
    bridge = await startBridge({
      host: '127.0.0.1', port: 0, secret: SECRET, db: join(dir, 'queue.db'),
      mapping: buildMapping({
        targets: { create: { playbook: 'playbooks/create.yml' } },
        defaults: { vm_admin_password: { from_env: 'VM_ADMIN_PASSWORD' } },
      }),
      local: { projectDir: FIXTURES, command: join(FIXTURES, 'record-ansible-playbook.sh') },
      env: {
        PATH: process.env.PATH, HOME: dir, ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp'), ANSIBLE_LOCALHOST_WARNING: 'false',
        NETBOX_TEST_OUT: out, VM_ADMIN_PASSWORD: PASSWORD,
      },
      retryInitialMs: 50, pollMs: 50, redactor, log: jsonLogger(redactor, (l) => logs.push(l)),
    });
  });
  after(async () => {
    await bridge.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the create playbook with the survey answers from a 0600 file that is gone afterwards', async () => {
    const r = await postEvent(bridge.url, vmEvent({ name: 'local-01', id: 501, event: 'created', to: 'active' }), SECRET);
    expect(r.status).to.equal(202);
    await eventually(() => bridge.store!.counts().done + bridge.store!.counts().failed === 1, 'the playbook run', 60_000);
    const [row] = bridge.store!.list({ limit: 1 });
    expect(row!.state, row!.reason ?? '').to.equal('done');
    expect(JSON.parse(readFileSync(join(out, 'local-01-create.json'), 'utf8'))).to.deep.equal({
      vm_name: 'local-01', vm_host: 'hv-cluster-01', vm_cpu_count: 4, vm_disk_gb: 80, vm_start: 'yes', vm_admin_password: PASSWORD,
    });
    const argv = readFileSync(join(out, 'argv.txt'), 'utf8');
    expect(argv).to.match(/^-e\n@.*extra-vars\.json\n.*playbooks\/create\.yml\n$/);
    expect(argv).not.to.contain(PASSWORD);
    expect(argv).not.to.contain('local-01');
    expect(readFileSync(join(out, 'vars-file-mode.txt'), 'utf8').trim()).to.equal('600');
    expect(existsSync(readFileSync(join(out, 'vars-file-path.txt'), 'utf8').trim())).to.equal(false);
  });

  it('records a failed playbook with its message, the secret masked, and does not retry it', async () => {
    await postEvent(bridge.url, vmEvent({ name: 'local-fail', id: 502, event: 'created', to: 'staged' }), SECRET);
    await eventually(() => bridge.store!.counts().failed === 1, 'the failed run', 60_000);
    const [row] = bridge.store!.list({ limit: 1 });
    expect(row!.reason).to.match(/^ansible-playbook playbooks\/create\.yml for local-fail exited with 2: /);
    expect(row!.reason).to.contain('cannot create local-fail (password ********)');
    expect(row!.attempts).to.equal(1);
    expect(logs.join('\n') + JSON.stringify(bridge.store!.list({ limit: 10 }))).not.to.contain(PASSWORD);
  });
});
