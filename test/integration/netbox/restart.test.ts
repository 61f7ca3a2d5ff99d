import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { eventually, postEvent, vmEvent } from './events';
import { runCli, ServeProcess } from './child';
import { StandIn } from './stand-ins';

const SECRET = 'restart-webhook-canary-9d2-7c41e0b8a3f65d29';
const TOKEN = 'restart-awx-canary-41b';

describe('netbox serve: killed with queued events, restarted', function () {
  this.timeout(120_000);
  let dir: string;
  let awx: StandIn;
  const procs: ServeProcess[] = [];

  function serve(): Promise<ServeProcess> {
    const p = new ServeProcess(
      [
        '--db',
        join(dir, 'queue.db'),
        '--awx-url',
        awx.url,
        '--awx-token-file',
        join(dir, 'token'),
        '--mapping',
        join(dir, 'mapping.yml'),
      ],
      {
        VIRTSEAL_WEBHOOK_SECRET: SECRET,
        VIRTSEAL_RETRY_INITIAL_MS: '50',
        VIRTSEAL_RETRY_MAX_MS: '200',
        VIRTSEAL_POLL_MS: '50',
        VIRTSEAL_AWX_FOLLOW: 'false',
      },
    );
    procs.push(p);
    return p.ready();
  }

  async function status(): Promise<any> {
    const r = await runCli(['status', '--db', join(dir, 'queue.db'), '--json', '--limit', '1000']);
    expect(r.code, r.stderr).to.equal(0);
    return JSON.parse(r.stdout);
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'virtseal-netbox-restart-'));
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
    writeFileSync(
      join(dir, 'mapping.yml'),
      'targets:\n  create: {job_template: 21}\n  start: {job_template: 22}\n  stop: {job_template: 23}\n  delete: {job_template: 24}\n',
    );
    awx = await new StandIn().start();
  });
  afterEach(async () => {
    for (const p of procs.splice(0)) await p.stop();
    await awx.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('dispatches every acknowledged event exactly once after SIGKILL and restart', async () => {
    awx.down = { status: 503, body: { detail: 'AWX is upgrading' } };
    const first = await serve();
    const events = [];
    for (let i = 0; i < 20; i++)
      events.push(vmEvent({ name: `vm-${i}`, id: 1000 + i, event: 'created', to: 'staged', requestId: `c-${i}` }));
    // Two more for vm-0: start after create, then stop — order must hold across the restart.
    events.push(vmEvent({ name: 'vm-0', id: 1000, from: 'staged', to: 'active', requestId: 'u-0a' }));
    events.push(vmEvent({ name: 'vm-0', id: 1000, from: 'active', to: 'offline', requestId: 'u-0b' }));
    for (const e of events) expect((await postEvent(first.url, e, SECRET)).status).to.equal(202);
    await eventually(() => awx.launches().length >= 5, 'failed launch attempts while AWX is down');
    await first.kill();

    const before = await status();
    expect(before.counts.queued + before.counts.dispatching).to.equal(22);
    awx.down = undefined;
    const second = await serve();
    await eventually(() => awx.launches().filter((c) => c.status === 201).length === 22, 'all 22 launches', 60_000);
    // Re-sent by NetBox after the restart: recognised, not launched again.
    for (const e of events.slice(0, 5))
      expect((await postEvent(second.url, e, SECRET)).body.status).to.equal('duplicate');
    await new Promise((r) => setTimeout(r, 300));

    const ok = awx.launches().filter((c) => c.status === 201);
    expect(ok).to.have.length(22);
    const perVm = new Map<string, string[]>();
    for (const c of ok) perVm.set(c.body.extra_vars.vm_name, [...(perVm.get(c.body.extra_vars.vm_name) ?? []), c.path]);
    expect(perVm.size).to.equal(20);
    expect(perVm.get('vm-0')).to.deep.equal([
      '/api/v2/job_templates/21/launch/',
      '/api/v2/job_templates/22/launch/',
      '/api/v2/job_templates/23/launch/',
    ]);
    for (let i = 1; i < 20; i++) expect(perVm.get(`vm-${i}`)).to.deep.equal(['/api/v2/job_templates/21/launch/']);
    const after = await status();
    expect(after.counts.done).to.equal(22);
    expect(JSON.stringify(after) + first.stderr + second.stderr).not.to.contain(TOKEN);
    expect(first.stderr + second.stderr).not.to.contain(SECRET);
  });

  it('a launch killed mid-request that reached AWX is found in its job list and not launched again', async () => {
    awx.failNext('hang');
    const first = await serve();
    await postEvent(
      first.url,
      vmEvent({ name: 'inflight-01', id: 2001, from: 'offline', to: 'active', requestId: 'h-1' }),
      SECRET,
    );
    await postEvent(
      first.url,
      vmEvent({ name: 'inflight-01', id: 2001, from: 'active', to: 'offline', requestId: 'h-2' }),
      SECRET,
    );
    await eventually(() => awx.launches().length === 1, 'the hanging launch');
    await first.kill();

    const second = await serve();
    await eventually(() => second.stderr.includes('had reached AWX: job 100'), 'the reconciliation');
    // The start is attributed to job 100; the stop queued behind it goes out next, in order.
    await eventually(() => awx.launches().length === 2, 'the stop');
    expect(awx.launches().map((c) => c.path)).to.deep.equal([
      '/api/v2/job_templates/22/launch/',
      '/api/v2/job_templates/23/launch/',
    ]);
    const rows = (await status()).events;
    expect(rows.map((e: any) => [e.id, e.state, e.job])).to.deep.equal([
      [2, 'done', 101],
      [1, 'done', 100],
    ]);
  });

  it('a launch killed mid-request that never reached AWX is launched again, once', async () => {
    awx.failNext('drop');
    const first = await serve();
    await postEvent(
      first.url,
      vmEvent({ name: 'lost-01', id: 2002, from: 'offline', to: 'active', requestId: 'd-1' }),
      SECRET,
    );
    await eventually(() => awx.launches().length === 1, 'the swallowed launch');
    await first.kill();
    expect((await runCli(['status', '--db', join(dir, 'queue.db')])).stdout).to.match(
      /#1 +dispatching +updated +start lost-01/,
    );

    const second = await serve();
    await eventually(() => second.stderr.includes('never reached AWX: queued again'), 'the reconciliation');
    await eventually(() => awx.jobs.length === 1, 'the launch');
    await new Promise((r) => setTimeout(r, 300));
    expect(awx.jobs.map((j) => JSON.parse(j.extra_vars).vm_name)).to.deep.equal(['lost-01']);
  });

  it('a survey rejection stays failed until the operator requeues it with `netbox requeue`', async () => {
    awx.failNext({ status: 400, body: { vm_cpu_count: ['Value 96 is too large (must be no more than 64).'] } });
    const first = await serve();
    await postEvent(
      first.url,
      vmEvent({ name: 'big-02', id: 2003, event: 'created', to: 'staged', requestId: 'b-1' }),
      SECRET,
    );
    await eventually(() => awx.launches().length === 1, 'the refused launch');
    await eventually(() => first.stderr.includes('HTTP 400'), 'the failure');
    const listed = await runCli(['status', '--db', join(dir, 'queue.db')]);
    expect(listed.stdout).to.contain('failed 1');
    expect(listed.stdout).to.contain('vm_cpu_count: Value 96 is too large (must be no more than 64).');
    expect((await runCli(['requeue', '1', '2', '--db', join(dir, 'queue.db')])).stdout).to.equal(
      'event 1 queued again\nevent 2: not failed or uncertain, left alone\n',
    );
    await eventually(() => awx.jobs.length === 1, 'the relaunch');
    expect((await status()).counts).to.deep.include({ done: 1, failed: 0 });
  });
});
