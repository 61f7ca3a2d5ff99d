import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type RunningBridge, startBridge } from '../../../src/netbox/bridge';
import { jsonLogger } from '../../../src/netbox/log';
import { buildMapping } from '../../../src/netbox/mapping';
import { MemoryEventStore } from '../../../src/netbox/memory-store';
import { Redactor } from '../../../src/netbox/secrets';
import { createBridgeServer } from '../../../src/netbox/server';
import { signBody } from '../../../src/netbox/signature';
import { eventually, fixture, netboxTimestamp, post, postEvent, vmEvent } from './events';
import { StandIn } from './stand-ins';

const SECRET = 'webhook-canary-5f1e9c';
const AWX_TOKEN = 'awx-token-canary-77aa01';
const NETBOX_TOKEN = 'netbox-token-canary-c0ffee';

describe('netbox bridge over HTTP (AWX stand-in)', () => {
  let dir: string;
  let awx: StandIn;
  let netbox: StandIn;
  let bridge: RunningBridge;
  let logs: string[];

  async function start(mappingDoc: unknown = {}, extra: { follow?: boolean; maxBodyBytes?: number } = {}) {
    const redactor = new Redactor();
    for (const s of [SECRET, AWX_TOKEN, NETBOX_TOKEN]) redactor.add(s);
    bridge = await startBridge({
      host: '127.0.0.1',
      port: 0,
      secret: SECRET,
      mapping: buildMapping({
        targets: {
          create: { job_template: 21 },
          start: { job_template: 22 },
          stop: { job_template: 23 },
          delete: { job_template: 24 },
        },
        ...(mappingDoc as object),
      }),
      db: join(dir, 'queue.db'),
      awx: { url: awx.url, token: AWX_TOKEN, follow: extra.follow ?? false },
      netbox: { url: netbox.url, token: NETBOX_TOKEN },
      maxBodyBytes: extra.maxBodyBytes,
      retryInitialMs: 20,
      retryMaxMs: 100,
      pollMs: 30,
      env: {},
      redactor,
      log: jsonLogger(redactor, (l) => logs.push(l)),
    });
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'virtseal-netbox-it-'));
    awx = await new StandIn().start();
    netbox = await new StandIn().start();
    logs = [];
  });
  afterEach(async () => {
    await bridge?.close();
    await awx.stop();
    await netbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('queues the real 4.6 event, answers 202, then launches job template 22 with the token and survey answers', async () => {
    await start();
    // NetBox's bytes as they are, restamped: the signed timestamp must be fresh.
    const raw = readFileSync(
      new URL('../../fixtures/netbox/vm-updated-staged-to-active-v4.6.json', import.meta.url),
      'utf8',
    ).replace('2026-03-06T15:24:51.208334+00:00', netboxTimestamp(Date.now()));
    const res = await post(bridge.url, raw, signBody(raw, SECRET));
    expect(res.status).to.equal(202);
    expect(res.body).to.deep.include({ status: 'queued', action: 'start' });
    await eventually(() => bridge.store!.counts().done === 1, 'the launch');
    const [call] = awx.launches();
    expect(call!.path).to.equal('/api/v2/job_templates/22/launch/');
    expect(call!.authorization).to.equal(`Bearer ${AWX_TOKEN}`);
    expect(call!.body).to.deep.equal({
      extra_vars: { vm_hypervisor: 'hyperv', vm_name: 'web-01', vm_host: 'hv-cluster-01', vm_owner: 'netbox/vm/42' },
    });
    // Write-back: one journal entry on VM 42 with NetBox's token scheme.
    await eventually(() => netbox.calls.length === 1, 'the journal entry');
    expect(netbox.calls[0]).to.deep.include({
      method: 'POST',
      path: '/api/extras/journal-entries/',
      authorization: `Token ${NETBOX_TOKEN}`,
    });
    expect(netbox.calls[0]!.body).to.deep.include({
      assigned_object_type: 'virtualization.virtualmachine',
      assigned_object_id: 42,
      kind: 'success',
    });
  });

  it('looks a job template given by name up once (the default names of docs/awx.md)', async () => {
    await start({ targets: { start: { job_template: 'virtseal: start VM' } } });
    await postEvent(
      bridge.url,
      vmEvent({ name: 'named-01', id: 31, from: 'offline', to: 'active', requestId: 'n1' }),
      SECRET,
    );
    await postEvent(
      bridge.url,
      vmEvent({ name: 'named-02', id: 32, from: 'offline', to: 'active', requestId: 'n2' }),
      SECRET,
    );
    await eventually(() => bridge.store!.counts().done === 2, 'both launches');
    expect(awx.calls.filter((c) => c.method === 'GET').map((c) => c.path)).to.deep.equal([
      '/api/v2/job_templates/?name=virtseal%3A%20start%20VM',
    ]);
    expect(awx.launches().map((c) => c.path)).to.deep.equal([
      '/api/v2/job_templates/77/launch/',
      '/api/v2/job_templates/77/launch/',
    ]);
  });

  it('reads a NetBox 4.0 payload (`model`, disk in GB, type_create era) the same way', async () => {
    await start();
    const old = vmEvent({ name: 'old-01', id: 41, event: 'created', to: 'staged', requestId: 'v40' });
    old.model = 'virtualmachine';
    delete old.object_type;
    delete old.request;
    delete old.data.display_url;
    old.data.disk = 80;
    expect((await postEvent(bridge.url, old, SECRET)).status).to.equal(202);
    await eventually(() => bridge.store!.counts().done === 1, 'the launch');
    expect(awx.launches()[0]!.body.extra_vars).to.deep.include({
      vm_name: 'old-01',
      vm_disk_gb: 80,
      vm_memory_mb: 8192,
      vm_cpu_count: 4,
      vm_start: 'no',
    });
  });

  it('refuses a correctly signed event whose signed timestamp is stale or in the future, storing nothing', async () => {
    await start();
    const now = Date.now();
    const at = (ms: number, id: string) => ({
      ...vmEvent({ name: 'fresh-01', id: 77, requestId: id }),
      timestamp: netboxTimestamp(ms),
    });
    const old = await postEvent(bridge.url, at(now - 16 * 60_000, 'stale'), SECRET);
    expect(old.status).to.equal(403);
    expect(old.body).to.deep.include({ field: 'timestamp' });
    expect(old.body.error).to.match(/is older than 900 s: replayed/);
    expect((await postEvent(bridge.url, at(now + 3 * 60_000, 'ahead'), SECRET)).body.error).to.contain(
      'more than 120 s in the future',
    );
    const missing = vmEvent({ name: 'fresh-01', id: 77, requestId: 'none' });
    delete missing.timestamp;
    expect((await postEvent(bridge.url, missing, SECRET)).status).to.equal(400);
    expect(bridge.store!.list({ limit: 10 })).to.deep.equal([]);
    expect((await postEvent(bridge.url, at(now - 14 * 60_000, 'late-but-fresh'), SECRET)).status).to.equal(202);
  });

  it('refuses unsigned (401), wrongly signed (403), malformed (400) and incomplete (400, naming the field) bodies without storing them', async () => {
    await start();
    const raw = JSON.stringify(fixture());
    expect((await post(bridge.url, raw, undefined)).status).to.equal(401);
    expect((await post(bridge.url, raw, signBody(raw, 'not-the-secret'))).status).to.equal(403);
    expect((await post(bridge.url, raw, signBody(`${raw} `, SECRET))).status).to.equal(403);
    const broken = '{"event": "updated", ';
    expect((await post(bridge.url, broken, signBody(broken, SECRET))).body).to.deep.equal({
      error: 'body is not valid JSON',
    });
    const noData = fixture();
    delete noData.data;
    const r = await postEvent(bridge.url, noData, SECRET);
    expect(r.status).to.equal(400);
    expect(r.body.field).to.equal('data');
    const noType = fixture();
    delete noType.object_type;
    expect((await postEvent(bridge.url, noType, SECRET)).body.field).to.equal('object_type');
    expect(bridge.store!.list({ limit: 10 })).to.deep.equal([]);
  });

  it('answers health checks, and 404 / 405 off the webhook path and method', async () => {
    await start();
    const base = bridge.url.replace(/\/webhook$/, '');
    const get = (url: string) =>
      new Promise<number>((resolve, reject) =>
        request(url, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end(),
      );
    expect(await get(`${base}/healthz`)).to.equal(200);
    expect(await get(bridge.url)).to.equal(405);
    const raw = JSON.stringify(fixture());
    expect((await post(`${base}/other`, raw, signBody(raw, SECRET))).status).to.equal(404);
  });

  it('answers 202 ignored for other object types and stores nothing', async () => {
    await start();
    const device = fixture();
    device.object_type = 'dcim.device';
    const r = await postEvent(bridge.url, device, SECRET);
    expect(r.status).to.equal(202);
    expect(r.body).to.deep.equal({ status: 'ignored', reason: 'object type dcim.device is not handled' });
    expect(bridge.store!.list({ limit: 10 })).to.deep.equal([]);
  });

  it('answers 422 naming what the mapping lacks, and keeps the rejection', async () => {
    await start();
    const e = vmEvent({ event: 'created', to: 'staged' });
    e.data.cluster = null;
    const r = await postEvent(bridge.url, e, SECRET);
    expect(r.status).to.equal(422);
    expect(r.body.error).to.contain('has no cluster');
    expect(bridge.store!.counts().rejected).to.equal(1);
    expect((await postEvent(bridge.url, e, SECRET)).status).to.equal(422);
  });

  it('refuses a body over the limit with 413, whether declared or streamed', async () => {
    await start({}, { maxBodyBytes: 4096 });
    const big = JSON.stringify({ ...fixture(), padding: 'x'.repeat(10_000) });
    expect((await post(bridge.url, big, signBody(big, SECRET))).status).to.equal(413);
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = request(
        bridge.url,
        { method: 'POST', headers: { 'transfer-encoding': 'chunked', 'x-hook-signature': 'a'.repeat(128) } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('y'.repeat(1000));
      req.end();
    });
    expect(streamed).to.equal(413);
  });

  it('answers a re-sent event 200 duplicate and launches it once', async () => {
    await start();
    const e = vmEvent({ name: 'dup-01', id: 7, from: 'offline', to: 'active' });
    expect((await postEvent(bridge.url, e, SECRET)).status).to.equal(202);
    const again = await postEvent(bridge.url, e, SECRET);
    expect(again.status).to.equal(200);
    expect(again.body.status).to.equal('duplicate');
    await eventually(() => bridge.store!.counts().done === 1, 'the launch');
    expect((await postEvent(bridge.url, e, SECRET)).body).to.deep.include({ status: 'duplicate', state: 'done' });
    expect(awx.launches()).to.have.length(1);
  });

  it('retries 5xx answers with backoff, then launches once', async () => {
    await start();
    awx.failNext({ status: 502, body: 'bad gateway' }, { status: 503 }, { status: 500, body: { detail: 'oops' } });
    await postEvent(bridge.url, vmEvent({ name: 'retry-01', id: 8, from: 'offline', to: 'active' }), SECRET);
    await eventually(() => bridge.store!.counts().done === 1, 'the launch after retries');
    expect(awx.launches()).to.have.length(4);
    const [row] = bridge.store!.list({ limit: 1 });
    expect(row!.attempts).to.equal(4);
    expect(logs.filter((l) => l.includes('retry in'))).to.have.length(3);
  });

  it('retries while AWX refuses connections and launches once it is back', async () => {
    const port = Number(new URL(awx.url).port);
    await awx.stop();
    await start();
    await postEvent(bridge.url, vmEvent({ name: 'down-01', id: 9, from: 'offline', to: 'active' }), SECRET);
    await eventually(() => (bridge.store!.list({ limit: 1 })[0]?.attempts ?? 0) >= 2, 'two attempts');
    expect(bridge.store!.list({ limit: 1 })[0]!.reason).to.match(/AWX unreachable: .*ECONNREFUSED/);
    const counts = bridge.store!.counts();
    expect(counts.queued + counts.dispatching).to.equal(1); // between attempts, or in one
    // AWX comes back on the same port: the queued event goes out, once.
    awx = await new StandIn().start(port);
    await eventually(() => bridge.store!.counts().done === 1, 'the launch once AWX is back');
    expect(awx.launches()).to.have.length(1);
  });

  it('records a survey rejection (400) as failed with AWX message, does not retry, and journals the failure', async () => {
    await start({ write_back: { status_on_failure: 'failed' } });
    awx.failNext({
      status: 400,
      body: { variables_needed_to_start: ["'vm_cpu_count' value 96 is too large (must be no more than 64)."] },
    });
    await postEvent(bridge.url, vmEvent({ name: 'big-01', id: 11, event: 'created', to: 'staged' }), SECRET);
    await eventually(() => bridge.store!.counts().failed === 1, 'the failure');
    const [row] = bridge.store!.list({ limit: 1 });
    expect(row!.reason).to.equal(
      "AWX refused the launch of job template 21 (create big-01): HTTP 400: variables_needed_to_start: 'vm_cpu_count' value 96 is too large (must be no more than 64).",
    );
    await eventually(() => netbox.calls.length === 2, 'journal and status');
    expect(netbox.calls[0]!.body).to.deep.include({ kind: 'danger', assigned_object_id: 11 });
    expect(netbox.calls[1]).to.deep.include({
      method: 'PATCH',
      path: '/api/virtualization/virtual-machines/11/',
      body: { status: 'failed' },
    });
    await new Promise((r) => setTimeout(r, 200)); // several retry periods (20-100 ms): still one call
    expect(awx.launches()).to.have.length(1);
  });

  it("follows AWX jobs: a VM's next event waits for the running job, the journal gets the job's result", async () => {
    await start({}, { follow: true });
    awx.jobStatus = 'running';
    await postEvent(
      bridge.url,
      vmEvent({ name: 'seq-01', id: 12, event: 'created', to: 'staged', requestId: 'c1' }),
      SECRET,
    );
    await postEvent(
      bridge.url,
      vmEvent({ name: 'seq-01', id: 12, from: 'staged', to: 'active', requestId: 'u1' }),
      SECRET,
    );
    await eventually(() => bridge.store!.counts().launched === 1, 'the create job');
    await new Promise((r) => setTimeout(r, 150));
    expect(awx.launches().map((c) => c.path)).to.deep.equal(['/api/v2/job_templates/21/launch/']);
    awx.jobStatus = 'successful';
    await eventually(() => bridge.store!.counts().done === 2, 'both events');
    expect(awx.launches().map((c) => c.path)).to.deep.equal([
      '/api/v2/job_templates/21/launch/',
      '/api/v2/job_templates/22/launch/',
    ]);
    const journal = netbox.calls.filter((c) => c.path === '/api/extras/journal-entries/');
    expect(journal[0]!.body.comments).to.match(/AWX job \d+ successful/);
  });

  it('answers 500, not 2xx, when the event cannot be stored, so NetBox records the failure', async () => {
    const store = new MemoryEventStore();
    store.insertMany = () => {
      throw new Error('database or disk is full');
    };
    const server = createBridgeServer({
      secret: SECRET,
      mapping: buildMapping({}),
      store,
      log: jsonLogger(new Redactor(), (l) => logs.push(l)),
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
      const r = await postEvent(url, fixture(), SECRET);
      expect(r).to.deep.equal({ status: 500, body: { error: 'internal error' } });
      expect(logs.join('')).to.contain('database or disk is full');
    } finally {
      server.close();
    }
  });

  it('never writes the webhook secret or the tokens to logs, answers, the status listing or the database', async () => {
    await start();
    awx.failNext({ status: 401, body: { detail: `Bearer ${AWX_TOKEN} is not valid` } });
    const r = await postEvent(
      bridge.url,
      vmEvent({ name: 'canary-01', id: 13, from: 'offline', to: 'active' }),
      SECRET,
    );
    await eventually(() => bridge.store!.counts().failed === 1, 'the failure');
    await post(bridge.url, '{}', signBody('{}', 'wrong'));
    const everything = [
      ...logs,
      JSON.stringify(r.body),
      JSON.stringify(bridge.store!.list({ limit: 50 })),
      ...readdirSync(dir).map((f) => readFileSync(join(dir, f)).toString('latin1')),
    ].join('\n');
    expect(everything).to.contain('canary-01');
    expect(everything).to.contain('HTTP 401');
    for (const secret of [SECRET, AWX_TOKEN, NETBOX_TOKEN]) expect(everything).not.to.contain(secret);
  });
});
