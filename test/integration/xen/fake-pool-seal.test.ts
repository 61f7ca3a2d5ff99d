/**
 * The sealed exchange over xenstore, end to end on the fake XAPI pool: the Xen driver's xenstore channel on the
 * host, the real Linux agent in the guest with its xenstore transport (through xenstore-* tools wired to the fake's
 * xenstore, with XAPI's live-push semantics). Afterwards no secret is anywhere in xenstore or in the pool database.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gibibytes } from '../../../src/core/units';
import { XenHypervisor } from '../../../src/drivers/xen/index';
import { runSealedExchange } from '../../../src/seal/host-exchange';
import { AgentGuests } from '../../../src/sim/xapi/agent-guests';
import { STANDARD_PRESET } from '../../../src/sim/xapi/preset';
import { FakeXapi } from '../../../src/sim/xapi/server';

const CANARY = `Canary-${randomBytes(6).toString('hex')}`;

describe('Xen: sealed exchange over xenstore with the real Linux agent (fake XAPI pool)', function () {
  this.timeout(180_000);
  let fake: FakeXapi;
  let guests: AgentGuests;
  let hv: XenHypervisor;
  let dir: string;

  before(async () => {
    guests = new AgentGuests();
    fake = await FakeXapi.start({ guests });
    hv = await XenHypervisor.connect({
      url: fake.url,
      username: 'root',
      password: 'xapi-secret',
      fingerprint: fake.tls.fingerprint256,
    });
    dir = mkdtempSync(join(tmpdir(), 'virtseal-xen-seal-'));
    writeFileSync(join(dir, 'img.raw'), randomBytes(64 * 1024));
    await hv.images.publishImage({ localPath: join(dir, 'img.raw'), name: 'golden' });
  });
  after(async () => {
    await hv.close();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies the sealed config, removes every host item, and leaves no secret in xenstore or the database', async () => {
    const vm = await hv.vms.createVm({
      spec: {
        name: 'sealed',
        generation: 2,
        cpuCount: 1,
        memory: { startupMb: 512 },
        disks: [{ name: 'os', image: 'golden', sizeBytes: gibibytes(4) }],
        nics: [{ name: 'eth0', network: STANDARD_PRESET.networkName }],
      },
    });
    await hv.power.start({ id: vm.id });
    const started = Date.now();
    const result = await runSealedExchange({
      channel: hv.guestChannel({ vmId: vm.id }),
      vmId: vm.id,
      config: {
        hostname: 'xen-sealed',
        timezone: 'UTC',
        admin: { name: 'ops', password: CANARY },
        run_once: ['echo done'],
      },
      timeoutMs: 120_000,
    });
    const elapsed = Date.now() - started;
    console.log(`      exchange over xenstore (fake pool, real agent): ${elapsed} ms, ${result.chunks} chunks`);
    expect(result).to.include({ protocol: 'v3', state: 'applied', attempts: 1 });
    expect(result.itemsRemoved).to.be.greaterThan(0);
    const root = guests.dirs(vm.id).root;
    expect(readFileSync(join(root, 'etc/hostname'), 'utf8')).to.equal('xen-sealed\n');

    // The agent removes its hello and status once it sees the host's cleanup; its applied record stays (no secret).
    const ref = fake.state.db.find('VM', (r) => r.uuid === vm.id)[0]!;
    const domid = Number(fake.state.db.get(ref)!.domid);
    const settled = () =>
      fake.state.xs.exists(domid, 'control/virtseal-applied') &&
      !fake.state.xs.exists(domid, 'control/virtseal-status');
    for (let i = 0; i < 300 && !settled(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await hv.guestChannel({ vmId: vm.id }).listHostItems()).to.deep.equal([]);
    expect(fake.state.db.get(ref)!.xenstore_data).to.deep.equal({});
    const store = fake.state.xs.dump('/local/domain').map(([p, v]) => `${p}=${v}`);
    expect(store.filter((l) => l.includes('/vm-data/virtseal'))).to.deep.equal([]);
    expect(
      store
        .filter((l) => /virtseal/.test(l))
        .map((l) => l.replace(/=.*/, ''))
        .sort(),
    ).to.deep.equal([
      `/local/domain/${domid}/control/virtseal-applied`,
      `/local/domain/${domid}/data/service/virtseal`,
      `/local/domain/${domid}/data/service/virtseal/applied`,
    ]);
    const everything =
      JSON.stringify(fake.state.db.log) + JSON.stringify(store) + readFileSync(guests.dirs(vm.id).log, 'utf8');
    expect(everything).to.not.include(CANARY);
    expect(everything).to.not.include(Buffer.from(CANARY).toString('base64'));
  });
});
