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
      host: '127.0.0.1',
      port: 0,
      secret: SECRET,
      db: join(dir, 'queue.db'),
      mapping: buildMapping({
        targets: { create: { playbook: 'playbooks/create.yml' } },
        defaults: { vm_admin_password: { from_env: 'VM_ADMIN_PASSWORD' } },
        custom_fields: { vm_domain: 'ad_domain' },
      }),
      local: {
        projectDir: FIXTURES,
        command: join(FIXTURES, 'record-ansible-playbook.sh'),
        passEnv: ['NETBOX_TEST_OUT'],
      },
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp'),
        ANSIBLE_LOCALHOST_WARNING: 'false',
        NETBOX_TEST_OUT: out,
        VM_ADMIN_PASSWORD: PASSWORD,
        VIRTSEAL_WEBHOOK_SECRET: SECRET,
        VIRTSEAL_AWX_TOKEN: 'awx-token-canary',
      },
      retryInitialMs: 50,
      pollMs: 50,
      redactor,
      log: jsonLogger(redactor, (l) => logs.push(l)),
    });
  });
  after(async () => {
    await bridge.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the create playbook with the survey answers from a 0600 file that is gone afterwards', async () => {
    const r = await postEvent(
      bridge.url,
      vmEvent({ name: 'local-01', id: 501, event: 'created', to: 'active' }),
      SECRET,
    );
    expect(r.status).to.equal(202);
    await eventually(
      () => bridge.store!.counts().done + bridge.store!.counts().failed === 1,
      'the playbook run',
      60_000,
    );
    const [row] = bridge.store!.list({ limit: 1 });
    expect(row!.state, row!.reason ?? '').to.equal('done');
    expect(JSON.parse(readFileSync(join(out, 'local-01-create.json'), 'utf8'))).to.deep.equal({
      vm_name: 'local-01',
      vm_host: 'hv-cluster-01',
      vm_cpu_count: 4,
      vm_disk_gb: 80,
      vm_start: 'yes',
      vm_admin_password: PASSWORD,
      vm_domain: '',
      env_webhook_secret: '',
      env_awx_token: '',
      templated_twice: 'VM local-01 in ',
    });
    const argv = readFileSync(join(out, 'argv.txt'), 'utf8');
    expect(argv).to.match(/^-e\n@.*extra-vars\.yml\n.*playbooks\/create\.yml\n$/);
    expect(argv).not.to.contain(PASSWORD);
    expect(argv).not.to.contain('local-01');
    expect(readFileSync(join(out, 'vars-file-mode.txt'), 'utf8').trim()).to.equal('600');
    expect(existsSync(readFileSync(join(out, 'vars-file-path.txt'), 'utf8').trim())).to.equal(false);
  });

  it('passes NetBox values as data: Jinja in a name, tag or custom field is never rendered (canary command)', async () => {
    const canary = join(out, 'INJECTED');
    const jinja = (what: string) => `{{ lookup('pipe', 'echo ${what} >> ${canary}') }}`;
    const ev = vmEvent({ name: 'inj-01', id: 503, event: 'created', to: 'active' });
    ev.data.cluster.name = `hv-cluster-01${jinja('cluster')}`;
    ev.data.custom_fields.ad_domain = `corp.example${jinja('custom-field')}`;
    ev.data.tags[0].slug = `t${jinja('tag')}`;
    const r = await postEvent(bridge.url, ev, SECRET);
    expect(r.status, JSON.stringify(r.body)).to.equal(202);
    await eventually(
      () => existsSync(join(out, 'inj-01-create.json')) || bridge.store!.counts().failed > 1,
      'the playbook run',
      60_000,
    );
    const seen = JSON.parse(readFileSync(join(out, 'inj-01-create.json'), 'utf8'));
    expect(seen.vm_domain).to.equal(`corp.example${jinja('custom-field')}`);
    expect(seen.vm_host).to.equal(`hv-cluster-01${jinja('cluster')}`);
    expect(seen.templated_twice).to.equal(`VM inj-01 in corp.example${jinja('custom-field')}`);
    expect(existsSync(canary), 'the canary command ran').to.equal(false);
  });

  it("refuses a value that breaks its survey question's rule before storing it (422, names the variable)", async () => {
    const ev = vmEvent({ name: 'x'.repeat(101), id: 504, event: 'created', to: 'active' });
    const r = await postEvent(bridge.url, ev, SECRET);
    expect(r.status).to.equal(422);
    expect(r.body.error).to.contain('vm_name is longer than 100 characters');
    const [row] = bridge.store!.list({ limit: 1 });
    expect(row!.plan).to.equal(null);
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
