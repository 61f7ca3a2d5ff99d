import { expect } from 'chai';
import { ManualClock } from '../../../../src/core/clock';
import { GuestTimeout } from '../../../../src/core/errors';
import { basicSpec, closeSim, drive, openSim, type SimFixture } from './sim-fixture';

describe('drivers/hyperv/power', () => {
  let f: SimFixture;
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  before(async () => (f = await openSim({ clock, timings: { guestShutdownMs: 20_000 } })));
  after(() => closeSim(f));

  async function newVm(name: string): Promise<string> {
    return (await f.hv.vms.createVm({ spec: basicSpec(name) })).id;
  }
  const state = async (id: string) => (await f.hv.vms.findVm({ ref: { id } }))!.state;

  it('starts, saves, starts again and turns off', async () => {
    const id = await newVm('p1');
    await f.hv.power.start({ id });
    expect(await state(id)).to.equal('running');
    await f.hv.power.save({ id });
    expect(await state(id)).to.equal('saved');
    await f.hv.power.start({ id });
    await f.hv.power.turnOff({ id });
    expect(await state(id)).to.equal('off');
  });

  it('shuts down gracefully when the guest cooperates within the timeout (simulated time)', async () => {
    const id = await newVm('p2');
    await f.hv.power.start({ id });
    const result = await drive(clock, f.hv.power.shutdown({ id, timeoutMs: 60_000, force: false }));
    expect(result).to.deep.equal({ forced: false });
    expect(await state(id)).to.equal('off');
  });

  it('turns the VM off after the timeout when forced, and fails with GuestTimeout when not', async () => {
    const id = await newVm('p3');
    f.running.sim.registry.vm(id)!.guest = 'unresponsive';
    await f.hv.power.start({ id });
    const started = clock.now();
    const error = await drive(clock, f.hv.power.shutdown({ id, timeoutMs: 30_000, force: false })).catch(
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(GuestTimeout);
    expect((error as Error).message).to.match(/within 30 s/);
    expect(clock.now() - started).to.be.at.least(30_000);
    expect(await state(id)).to.equal('running');
    const forced = await drive(clock, f.hv.power.shutdown({ id, timeoutMs: 30_000, force: true }));
    expect(forced).to.deep.equal({ forced: true });
    expect(await state(id)).to.equal('off');
  });

  it('restarts through a graceful shutdown', async () => {
    const id = await newVm('p4');
    await f.hv.power.start({ id });
    await drive(clock, f.hv.power.restart({ id, timeoutMs: 60_000, force: true }));
    expect(await state(id)).to.equal('running');
    expect(f.running.sim.jobs.all.filter((j) => j.target === id && j.kind === 'shutdown')).to.have.length(1);
  });
});
