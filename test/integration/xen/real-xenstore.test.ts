/**
 * The sealed exchange against a real Xen 4.17 and oxenstored: Xen and a dom0 booted under QEMU (TCG), a PV guest
 * per VM that runs the real Linux agent with its xenstore transport. The host side is virtseal's Xen driver talking
 * to the fake XAPI; the fake's VMs are those real domains (test/helpers/xen-real-guests.ts), their vm-data pushed
 * into the real oxenstored by a dom0 shim playing xenopsd, the guest's data/service and control/ writes coming
 * back as XAPI's guest metrics would see them. One boot of Xen for the file.
 *
 * Needs qemu-system-x86, dpkg-deb and apt-get (the Debian packages of Xen and the kernel are fetched once into a
 * cache, see build/xen-testbed/build.sh). Under CI a missing prerequisite fails; elsewhere it skips, saying why.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuestFailed } from '../../../src/core/errors';
import { gibibytes } from '../../../src/core/units';
import { XenHypervisor } from '../../../src/drivers/xen/index';
import type { GuestChannel } from '../../../src/drivers/types';
import { runSealedExchange } from '../../../src/seal/host-exchange';
import type { GuestConfig } from '../../../src/seal/guest-config';
import { STANDARD_PRESET } from '../../../src/sim/xapi/preset';
import { FakeXapi } from '../../../src/sim/xapi/server';
import { RealXenGuests } from '../../helpers/xen-real-guests';
import { XenTestbed, buildXenTestbed, xenTestbedMissing } from '../../helpers/xen-testbed';

const CANARY = `Canary-${randomBytes(6).toString('hex')}`;
const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('Xen 4.17 + oxenstored under QEMU: the sealed exchange with the real Linux agent in a PV guest', function () {
  this.timeout(900_000);
  let bed: XenTestbed | undefined;
  let guests: RealXenGuests;
  let fake: FakeXapi | undefined;
  let hv: XenHypervisor | undefined;
  let dir: string;
  /** When this file's first hook ran (mocha loads every file at start, so not at module load). */
  let started = 0;
  let vmId = '';
  let domid = -1;
  /** The envelope items (chunks and manifest) the host sealed for the first attempt, before tampering. */
  const recorded = new Map<string, string>();

  const config: GuestConfig = {
    hostname: 'xen-real',
    timezone: 'UTC',
    admin: { name: 'ops', password: CANARY },
    // Long enough that the envelope takes several chunks (each value ≤ 2,048 bytes in xenstore).
    run_once: [`echo applied > /root/run-once.out # ${'x'.repeat(3000)}`],
  };

  const fakeDomid = (id: string): number => {
    const ref = fake!.state.db.find('VM', (r) => r.uuid === id)[0]!;
    return Number(fake!.state.db.get(ref)!.domid);
  };
  /** The guest's console once the agent's run `run` ended (the guest init prints `VIRTSEAL-GUEST done <run>`). */
  const guestReport = async (domid: number, run: number): Promise<string> => {
    for (let i = 0; i < 600; i++) {
      const text = await bed!.console(guests.consoleName(domid));
      if (new RegExp(`VIRTSEAL-GUEST done ${run}\\b`).test(text)) return text;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`the guest never finished: ${await bed!.console(guests.consoleName(domid))}`);
  };
  const startVm = async (id: string): Promise<number> => {
    await hv!.power.start({ id });
    return fakeDomid(id);
  };

  before(async function () {
    const missing = xenTestbedMissing();
    if (missing) {
      if (process.env.CI === 'true') throw new Error(`real-Xen test (CI=true): ${missing}`);
      console.log(`      skipped: ${missing}`);
      this.skip();
    }
    started = Date.now();
    const t0 = started;
    const files = buildXenTestbed();
    const built = Date.now() - t0;
    bed = await XenTestbed.boot(files);
    console.log(`      test bed images ${built} ms (cached after the first run); Xen + dom0 boot ${bed.bootMs} ms`);
    guests = new RealXenGuests(bed);
    fake = await FakeXapi.start({ guests });
    hv = await XenHypervisor.connect({
      url: fake.url,
      username: 'root',
      password: 'xapi-secret',
      fingerprint: fake.tls.fingerprint256,
    });
    dir = mkdtempSync(join(tmpdir(), 'virtseal-xen-real-'));
    writeFileSync(join(dir, 'img.raw'), randomBytes(64 * 1024));
    await hv.images.publishImage({ localPath: join(dir, 'img.raw'), name: 'golden' });
    const vm = await hv.vms.createVm({
      spec: {
        name: 'sealed',
        generation: 1,
        cpuCount: 1,
        memory: { startupMb: 256 },
        disks: [{ name: 'os', image: 'golden', sizeBytes: gibibytes(1) }],
        nics: [{ name: 'eth0', network: STANDARD_PRESET.networkName }],
      },
    });
    vmId = vm.id;
  });

  after(async () => {
    await hv?.close();
    await fake?.stop();
    await bed?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (started) console.log(`      real-xenstore test file: ${Date.now() - started} ms wall`);
  });

  /** A channel to the VM whose host writes pass through `edit` (tests of what the agent does with them). */
  const channelWith = (edit: (k: string, v: string) => string): GuestChannel => {
    const inner = hv!.guestChannel({ vmId });
    return {
      readGuestItems: () => inner.readGuestItems(),
      listHostItems: () => inner.listHostItems(),
      removeHostItems: (keys) => inner.removeHostItems(keys),
      writeHostItems: (items) => inner.writeHostItems(items.map(([k, v]) => [k, edit(k, v)] as const)),
    };
  };

  /** Until the previous run's outcome is gone from the guest metrics (its agent removes it before exiting). */
  const previousRunGone = async (): Promise<void> => {
    for (let i = 0; i < 240; i++) {
      if (!(await hv!.guestChannel({ vmId }).readGuestItems()).has('virtseal.status')) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error("the previous run's status stayed in the guest metrics");
  };

  // One guest boot serves the three cases: its agent, failing, runs again (a new attempt), as its service would.
  it('refuses an envelope with one flipped byte in transit (envelope_mac) and applies nothing', async () => {
    domid = await startVm(vmId);
    const tampering = channelWith((k, v) => {
      if (/^virtseal\.(chunk\.\d+|manifest)$/.test(k)) recorded.set(k, v);
      return k === 'virtseal.chunk.1' ? v.slice(0, 100) + (v[100] === 'A' ? 'B' : 'A') + v.slice(101) : v;
    });
    const err = await runSealedExchange({ channel: tampering, vmId, config, timeoutMs: 600_000 }).catch((e) => e);
    expect(err).to.be.instanceOf(GuestFailed);
    expect((err as GuestFailed).guestReason).to.equal('envelope_mac');
    const report = await guestReport(domid, 1);
    // oxenstored's per-value quota as the guest meets it (checked at boot).
    expect(report).to.include('VIRTSEAL-GUEST probe 2048 bytes accepted');
    expect(report).to.include('VIRTSEAL-GUEST probe 2049 bytes refused');
    expect(report).to.match(/VIRTSEAL-GUEST log 1 .*envelope rejected: MAC does not verify/);
    expect(report).to.match(/VIRTSEAL-GUEST run 1 agent exit=1 hostname=template uname=template admin=0/);
    expect(await hv!.guestChannel({ vmId }).listHostItems()).to.deep.equal([]);
  });

  it("refuses the earlier attempt's envelope replayed into a new attempt (envelope_attempt) and applies nothing", async () => {
    expect(recorded.size).to.be.greaterThan(2);
    await previousRunGone();
    // The host's new envelope is swapped for the recorded one; its manifest names this attempt, so the agent
    // reads it as its own and must find the binding wrong.
    const old = recorded.get('virtseal.manifest')!.split(' ');
    const replaying = channelWith((k, v) => {
      if (k === 'virtseal.manifest') return `${v.split(' ')[0]} ${v.split(' ')[1]} ${old[2]} ${old[3]}`;
      return recorded.get(k) ?? v;
    });
    const err = await runSealedExchange({ channel: replaying, vmId, config, timeoutMs: 600_000 }).catch((e) => e);
    expect(err).to.be.instanceOf(GuestFailed);
    expect((err as GuestFailed).guestReason).to.equal('envelope_attempt');
    const report = await guestReport(domid, 2);
    expect(report).to.match(/VIRTSEAL-GUEST log 2 .*envelope rejected: another attempt/);
    expect(report).to.match(/VIRTSEAL-GUEST run 2 agent exit=1 hostname=template uname=template admin=0/);
    expect(await hv!.guestChannel({ vmId }).listHostItems()).to.deep.equal([]);
  });

  it('applies the whole exchange through the real oxenstored; values stay within 2,048 bytes; no secret is left', async () => {
    await previousRunGone();
    const pushedBefore = guests.pushedValues.length;
    const t0 = Date.now();
    const result = await runSealedExchange({ channel: channelWith((_k, v) => v), vmId, config, timeoutMs: 600_000 });
    const exchangeMs = Date.now() - t0;
    console.log(
      `      exchange over real xenstore (guest running, agent waiting): ${exchangeMs} ms, ${result.chunks} chunks`,
    );
    expect(result).to.include({ protocol: 'v3', state: 'applied', attempts: 1 });
    expect(result.chunks).to.be.greaterThan(2);

    const report = await guestReport(domid, 3);
    // The agent picked xenstore by itself and applied the config inside the guest.
    expect(report).to.match(/VIRTSEAL-GUEST run 3 agent exit=0 hostname=xen-real uname=xen-real admin=1/);
    expect(report).to.match(/VIRTSEAL-GUEST log 3 .*hello published for VM /);
    // Everything pushed into the real xenstore fits its limits.
    const pushed = guests.pushedValues.slice(pushedBefore);
    expect(pushed.length).to.be.greaterThan(result.chunks);
    expect(Math.max(...pushed.map((v) => Buffer.byteLength(v)))).to.be.at.most(2048);
    expect(guests.refused).to.deep.equal([]);
    expect(guests.errors).to.deep.equal([]);

    // The agent withdraws its hello and status once it sees the host's cleanup; the applied record stays.
    const real = guests.realDomid(domid)!;
    let store = '';
    for (let i = 0; i < 240; i++) {
      store = await bed!.xenstoreLs();
      if (!store.includes(`/local/domain/${real}/control/virtseal-status`) && store.includes('virtseal-applied')) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const mine = store.split('\n').filter((l) => l.startsWith(`/local/domain/${real}/`) && /virtseal/.test(l));
    expect(mine.map((l) => l.replace(/ = .*/, '')).sort()).to.deep.equal([
      `/local/domain/${real}/control/virtseal-applied`,
      `/local/domain/${real}/data/service/virtseal`,
      `/local/domain/${real}/data/service/virtseal/applied`,
    ]);
    expect(await hv!.guestChannel({ vmId }).listHostItems()).to.deep.equal([]);
    // The last live push (the host's cleanup) left nothing under vm-data.
    expect(store.split('\n').filter((l) => l.startsWith(`/local/domain/${real}/vm-data/`))).to.deep.equal([]);

    // No secret anywhere: the real xenstore, the shim's files, the fake XAPI's database and log, the guest console.
    const everything = [
      store,
      (await bed!.request('state')).toString(),
      JSON.stringify(fake!.state.db.log),
      JSON.stringify(fake!.state.xs.dump('/')),
      await bed!.console(guests.consoleName(domid)),
    ].join('\n');
    expect(everything).to.not.include(CANARY);
    expect(everything).to.not.include(b64(CANARY));
  });
});
