/**
 * What an admin sees when something is wrong: each failure stops the playbook at the task concerned with one line
 * that says what to do, and a stable reason in the result. Plus a canary secret run at -vvvv: the password never
 * appears in ansible's output, in the results, in the simulator's log or in the simulated guest's files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { CollectionHarness, failedTask, task } from './harness';
import { createVars } from './vars';

const CANARY = 'CANARY-7f3e9a1d-secret';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) return [];
    return st.isDirectory() ? filesUnder(path) : st.isFile() ? [path] : [];
  });
}

describe('collection: failures and secrets through ansible-playbook', function () {
  this.timeout(600_000);
  let h: CollectionHarness;

  before(async () => {
    h = await CollectionHarness.start();
  });
  after(async () => h?.stop());

  const expectOneLine = (msg: string): void => {
    expect(msg).to.not.include('\n');
    expect(msg).to.not.match(/at .*\.(ts|js):\d+/);
  };

  it('unknown image', async () => {
    const run = await h.play('create', { ...createVars, vm_name: 'img01', vm_image: 'no-such-image' });
    expect(run.code).to.not.equal(0);
    const failed = failedTask(run);
    expect(failed.name).to.equal('Fail when the image is missing');
    expect(failed.msg).to.equal(
      `image 'no-such-image' is not in the library of ${h.hostAddress}; run publish_image.yml first`,
    );
    expect(h.world.sim.registry.vmsNamed('img01')).to.have.length(0);
  });

  it('host unreachable', async () => {
    const run = await h.play('start', { vm_name: 'web01', vm_host: '127.0.0.1:1' });
    const failed = failedTask(run);
    expect(failed.result.reason).to.equal('host_unreachable');
    expect(failed.msg).to.include('127.0.0.1:1');
    expectOneLine(failed.msg);
  });

  it('name taken by a VM that is not ours', async () => {
    h.world.sim.registry.newVm({ name: 'taken01', generation: 2, path: 'D:\\Hyper-V\\taken01' });
    const run = await h.play('create', { ...createVars, vm_name: 'taken01' });
    const failed = failedTask(run);
    expect(failed.name).to.equal('Create the VM');
    expect(failed.result.reason).to.equal('conflict');
    expect(failed.msg).to.equal(
      "name taken: a VM named 'taken01' already exists on the host and has no OS disk made from image 'debian-12-golden'",
    );
  });

  it('guest reports failure', async () => {
    const run = await h.play('create', { ...createVars, vm_name: 'bad01', vm_guest_run_once: ['exit 3'] });
    const failed = failedTask(run);
    expect(failed.name).to.equal('Send the sealed guest configuration');
    expect(failed.result.reason).to.equal('guest_failed');
    expect((failed.result.details as { guest_reason: string }).guest_reason).to.equal('apply_run_once');
    expect(failed.msg).to.equal("the guest agent reported failure 'apply_run_once'");
    const vm = h.world.sim.registry.vmsNamed('bad01')[0]!;
    expect(vm.kvpHost.size, 'host items removed after a failed exchange too').to.equal(0);
  });

  it('never leaks a secret: -vvvv output, results, simulator log, guest files', async () => {
    const vars = { ...createVars, vm_name: 'sec01', vm_admin_password: CANARY };
    const [verbose, json] = [
      await h.play('create', vars, { verbose: true, callback: 'default' }),
      await h.play('create', { ...vars, vm_name: 'sec02' }, { verbose: true }),
    ];
    expect(verbose.code, verbose.stdout.slice(-3000)).to.equal(0);
    expect(json.code).to.equal(0);
    expect(task(json, 'Send the sealed guest configuration').result.outcome).to.equal('applied');
    const places: [string, string][] = [
      ['-vvvv stdout', verbose.stdout],
      ['-vvvv stderr', verbose.stderr],
      ['json stdout', json.stdout],
      ['json results', JSON.stringify(json.report)],
      ['simulator log', h.world.sim.log.text()],
      ...filesUnder(h.world.bridge.workDir).map(
        (f) => [`guest file ${f}`, readFileSync(f, 'latin1')] as [string, string],
      ),
      ...filesUnder(h.world.sim.files.root).map(
        (f) => [`host file ${f}`, readFileSync(f, 'latin1')] as [string, string],
      ),
    ];
    const leaks = places.filter(([, text]) => text.includes(CANARY)).map(([where]) => where);
    expect(leaks).to.deep.equal([]);
    expect(verbose.stdout, 'the task that used it ran at -vvvv').to.include('Send the sealed guest configuration');
    expect(places.length).to.be.greaterThan(5);
  });
});
