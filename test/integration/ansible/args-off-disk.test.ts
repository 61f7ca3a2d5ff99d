/**
 * guest_config's arguments hold the guest's secrets. Without pipelining ansible-core writes them, substituted into
 * the module, to a file in its remote tmp (kept for ever with ANSIBLE_KEEP_REMOTE_FILES=1). Real ansible-core runs
 * the built collection with a canary password and every file ansible left behind is searched for it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { AnsibleWorkspace, taskResult } from '../../helpers/ansible';

const CANARY = 'Canary-guest-password-5e1f0c';

function filesUnder(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    const p = join(dir, n);
    out = statSync(p).isDirectory() ? [...out, ...filesUnder(p)] : [...out, p];
  }
  return out;
}

describe('guest_config arguments never stay on disk (real ansible-core)', function () {
  this.timeout(240_000);
  let ws: AnsibleWorkspace;
  let inventory: string;
  const task = {
    name: 'configure',
    'virtseal.core.guest_config': {
      host: '127.0.0.1',
      port: 9,
      user: 'nobody',
      hypervisor: 'hyperv',
      vm: 'web-01',
      timeout: 10,
      config: { hostname: 'web-01', admin: { name: 'localadmin', password: CANARY } },
    },
    ignore_errors: true,
  };

  before(async () => {
    ws = new AnsibleWorkspace();
    ws.install(await ws.buildCollection('embedded'));
    inventory = ws.inventory();
  });
  after(() => ws?.close());

  const leftovers = () => filesUnder(ws.dir).filter((f) => !f.endsWith('.yml') && readFileSync(f).includes(CANARY));

  it('without pipelining and with ANSIBLE_KEEP_REMOTE_FILES=1: refuses in one line and leaves no copy of the arguments', async () => {
    const run = await ws.runPlaybook([{ hosts: 'local', gather_facts: false, tasks: [task] }], {
      inventory,
      env: { ANSIBLE_PIPELINING: 'False', ANSIBLE_KEEP_REMOTE_FILES: '1' },
    });
    const r = taskResult(run.report, 'configure', 'local');
    expect(r.status).to.equal('failed');
    expect(r.result.msg).to.match(
      /^guest_config: its arguments hold secrets and ansible wrote them to a file on the managed host because pipelining is off \(that file is now wiped\); turn pipelining on/,
    );
    // ansible kept its task directory, as asked; the module file in it is gone.
    expect(
      readdirSync(join(ws.dir, 'remote-tmp')).filter((d) => d.startsWith('ansible-tmp-')),
    ).to.have.length.greaterThan(0);
    expect(leftovers()).to.deep.equal([]);
    expect(run.stdout + run.stderr).not.to.contain(CANARY);
  });

  it('with pipelining: runs (here failing to reach the host) and writes the arguments nowhere', async () => {
    const run = await ws.runPlaybook([{ hosts: 'local', gather_facts: false, tasks: [task] }], { inventory });
    const r = taskResult(run.report, 'configure', 'local');
    expect(r.result.reason).not.to.equal('pipelining_required');
    expect(String(r.result.msg)).not.to.contain('pipelining');
    expect(leftovers()).to.deep.equal([]);
  });
});
