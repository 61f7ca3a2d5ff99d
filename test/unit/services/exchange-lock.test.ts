import { expect } from 'chai';
import { LOCK_PREFIX, withExchangeLock } from '../../../src/services/exchange-lock';
import { MemoryChannel } from '../../helpers/memory-guest';

const NOW = 1_800_000_000_000;
const opts = (channel: MemoryChannel, run: string) => ({
  channel,
  vmName: 'web-01',
  timeoutMs: 60_000,
  now: () => NOW,
  run,
});

describe('services/exchange-lock: one exchange per VM across controllers', () => {
  it('holds a lease host item while the run lasts and refuses another run, naming the VM', async () => {
    const channel = new MemoryChannel();
    let release!: () => void;
    const held = withExchangeLock(
      opts(channel, 'aaaaaaaaaaaaaaaa'),
      () => new Promise<string>((r) => (release = () => r('done'))),
    );
    await new Promise((r) => setImmediate(r));
    expect([...channel.host.keys()]).to.deep.equal([
      `${LOCK_PREFIX}aaaaaaaaaaaaaaaa.${(NOW + 60_000 + 120_000) / 1000}`,
    ]);
    const other = await withExchangeLock(opts(channel, 'bbbbbbbbbbbbbbbb'), async () => 'ran').catch((e: Error) => e);
    expect(other).to.be.instanceOf(Error);
    expect((other as Error).message).to.equal(
      "VM 'web-01' is already being configured by another guest_config run (aaaaaaaaaaaaaaaa, lease until 2027-01-15T08:03:00.000Z); wait for it to finish, or remove the host item if that run is gone",
    );
    release();
    expect(await held).to.equal('done');
    expect(channel.host.size).to.equal(0);
  });

  it('when two runs write at once, the smaller run id keeps the lease and the other withdraws', async () => {
    const channel = new MemoryChannel();
    const write = channel.writeHostItems.bind(channel);
    // Another controller writes its lease between this run's write and its second look.
    channel.writeHostItems = async (items) => {
      await write(items);
      channel.host.set(`${LOCK_PREFIX}0000000000000001.${(NOW + 300_000) / 1000}`, 'x');
    };
    const lost = await withExchangeLock(opts(channel, 'ffffffffffffffff'), async () => 'ran').catch((e: Error) => e);
    expect((lost as Error).message).to.contain('(0000000000000001, lease until');
    expect([...channel.host.keys()]).to.deep.equal([`${LOCK_PREFIX}0000000000000001.${(NOW + 300_000) / 1000}`]);
  });

  it('a run with the smaller id goes ahead once a rival that saw both withdraws', async () => {
    const channel = new MemoryChannel();
    const rival = `${LOCK_PREFIX}ffffffffffffffff.${(NOW + 300_000) / 1000}`;
    const write = channel.writeHostItems.bind(channel);
    channel.writeHostItems = async (items) => {
      await write(items);
      channel.host.set(rival, 'x');
    };
    let waits = 0;
    const ran = await withExchangeLock(
      {
        ...opts(channel, '0000000000000001'),
        settle: { polls: 5, intervalMs: 1 },
        // The rival saw both leases and withdraws while this run waits.
        sleep: async () => {
          waits += 1;
          if (waits === 2) channel.host.delete(rival);
        },
      },
      async () => 'ran',
    );
    expect(ran).to.equal('ran');
    expect(waits).to.equal(2);
    expect(channel.host.size).to.equal(0);
  });

  it('a run with the smaller id withdraws when a rival that wrote at once stays (it looked first and went ahead)', async () => {
    const channel = new MemoryChannel();
    const rival = `${LOCK_PREFIX}ffffffffffffffff.${(NOW + 300_000) / 1000}`;
    const write = channel.writeHostItems.bind(channel);
    channel.writeHostItems = async (items) => {
      await write(items);
      channel.host.set(rival, 'x');
    };
    let ran = false;
    const lost = await withExchangeLock(
      { ...opts(channel, '0000000000000001'), settle: { polls: 3, intervalMs: 1 }, sleep: async () => undefined },
      async () => {
        ran = true;
      },
    ).catch((e: Error) => e);
    expect(ran, 'two runs would have sealed for one guest').to.equal(false);
    expect((lost as Error).message).to.contain('(ffffffffffffffff, lease until');
    expect([...channel.host.keys()]).to.deep.equal([rival]);
  });

  it('removes a lease that expired (its controller died) and goes ahead', async () => {
    const channel = new MemoryChannel();
    channel.host.set(`${LOCK_PREFIX}1111111111111111.${(NOW - 1_000) / 1000}`, 'x');
    expect(await withExchangeLock(opts(channel, '2222222222222222'), async () => 'ran')).to.equal('ran');
    expect(channel.host.size).to.equal(0);
  });
});
