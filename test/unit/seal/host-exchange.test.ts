import { expect } from 'chai';
import { ManualClock } from '../../../src/core/clock';
import { EnvelopeRejected, GuestFailed, GuestTimeout, InvalidArgument, ScriptFailed } from '../../../src/core/errors';
import { CHALLENGE_KEY, HELLO_KEY, STATUS_KEY } from '../../../src/seal/constants';
import { newEphemeralKey } from '../../../src/seal/crypto';
import { formatHello } from '../../../src/seal/hello';
import type { GuestConfig } from '../../../src/seal/guest-config';
import { runSealedExchange } from '../../../src/seal/host-exchange';
import { driveExchange, MemoryChannel, TsGuest } from '../../helpers/memory-guest';

const VM = '5c0ffee0-1234-4321-abcd-00155d010203';
const config: GuestConfig = { hostname: 'web01', admin: { name: 'alice', password: 'Canary-Secret-77' } };

describe('seal/host-exchange (runSealedExchange)', function () {
  this.timeout(60_000);

  it('seals for the guest hello, gets an authenticated applied and removes every host item', async () => {
    const channel = new MemoryChannel();
    const guest = new TsGuest(channel, { vmId: VM });
    const result = (await driveExchange({ channel, vmId: VM.toUpperCase(), config, timeoutMs: 30_000 })) as Record<
      string,
      unknown
    >;
    expect(result).to.include({ protocol: 'v3', state: 'applied', attempt: guest.attempt, attempts: 1 });
    expect(guest.payload?.get('hostname')).to.equal('web01');
    expect(guest.payload?.get('admin.password')).to.equal('Canary-Secret-77');
    expect(channel.host.size).to.equal(0);
    // The chunks, the manifest and the challenge (renewed after the seal under the same key).
    expect(result.itemsRemoved).to.equal((result.chunks as number) + 2);
  });

  it('writes large envelopes in batches of at most 128 and the manifest alone, last', async () => {
    const channel = new MemoryChannel();
    const seen: string[][] = [];
    const write = channel.writeHostItems.bind(channel);
    channel.writeHostItems = async (items) => {
      seen.push(items.map(([k]) => k));
      return write(items);
    };
    new TsGuest(channel, { vmId: VM });
    const big: GuestConfig = {
      hostname: 'big',
      run_once: Array.from({ length: 60 }, (_, i) => `echo ${'y'.repeat(1500)} ${i}`),
    };
    const r = await driveExchange({ channel, vmId: VM, config: big, timeoutMs: 30_000 });
    expect(r).to.not.be.instanceOf(Error);
    expect(seen.length).to.be.at.least(3);
    expect(seen.every((b) => b.length <= 128)).to.equal(true);
    expect(seen.at(-2)).to.deep.equal(['virtseal.manifest']);
    expect(seen.at(-1)).to.deep.equal(['virtseal.challenge']);
    expect(channel.removeBatches.every((n) => n <= 128)).to.equal(true);
    expect(channel.host.size).to.equal(0);
  });

  it('throws GuestFailed with the guest reason and still cleans up', async () => {
    const channel = new MemoryChannel();
    new TsGuest(channel, { vmId: VM, outcome: 'failed', reason: 'apply_admin' });
    const err = await driveExchange({ channel, vmId: VM, config, timeoutMs: 30_000 });
    expect(err).to.be.instanceOf(GuestFailed);
    expect((err as GuestFailed).guestReason).to.equal('apply_admin');
    expect(channel.host.size).to.equal(0);
  });

  it('throws GuestTimeout after timeoutMs (no fixed sleeps: backoff on the injected clock) and cleans up', async () => {
    const channel = new MemoryChannel();
    new TsGuest(channel, { vmId: VM, outcome: 'silent' });
    const clock = new ManualClock();
    const err = await driveExchange({ channel, vmId: VM, config, timeoutMs: 10_000 }, clock);
    expect(err).to.be.instanceOf(GuestTimeout);
    expect((err as Error).message).to.match(/envelope sealed for attempt/);
    expect(clock.now()).to.be.within(10_000, 12_000);
    expect(channel.host.size).to.equal(0);
  });

  it('times out with "no hello" when no agent runs', async () => {
    const channel = new MemoryChannel();
    const err = await driveExchange({ channel, vmId: VM, config, timeoutMs: 5_000 });
    expect(err).to.be.instanceOf(GuestTimeout);
    expect((err as Error).message).to.match(/no hello/);
  });

  it('refuses an applied report without a valid MAC', async () => {
    const channel = new MemoryChannel();
    new TsGuest(channel, { vmId: VM, outcome: 'applied-unauthenticated' });
    const err = await driveExchange({ channel, vmId: VM, config, timeoutMs: 30_000 });
    expect(err).to.be.instanceOf(EnvelopeRejected);
    expect((err as EnvelopeRejected).check).to.equal('status_mac');
    expect(channel.host.size).to.equal(0);
  });

  it('rejects a hello from another VM (foreign data) before sealing anything', async () => {
    const channel = new MemoryChannel();
    new TsGuest(channel, { vmId: '99999999-0000-0000-0000-000000000000' });
    const err = await driveExchange({ channel, vmId: VM, config, timeoutMs: 30_000 });
    expect(err).to.be.instanceOf(EnvelopeRejected);
    expect((err as EnvelopeRejected).check).to.equal('vm_id');
    expect(channel.writeBatches).to.deep.equal([1]); // the challenge only
  });

  it('reseals for a new attempt when the guest restarts mid-way, and the old envelope is gone first', async () => {
    const channel = new MemoryChannel();
    const guest = new TsGuest(channel, { vmId: VM, outcome: 'silent' });
    let reads = 0;
    const inner = channel.onRead;
    let firstAttempt = '';
    channel.onRead = () => {
      reads++;
      if (reads === 3) {
        firstAttempt = guest.attempt;
        (guest as unknown as { options: { outcome: string } }).options.outcome = 'applied';
        guest.restart();
      }
      inner();
    };
    const result = (await driveExchange({ channel, vmId: VM, config, timeoutMs: 30_000 })) as Record<string, unknown>;
    expect(result.attempts).to.equal(2);
    expect(result.attempt).to.equal(guest.attempt).and.not.equal(firstAttempt);
    expect(guest.rejections).to.deep.equal([]);
    expect(channel.host.size).to.equal(0);
  });

  it('removes stale virtseal items left by an earlier run, and only those', async () => {
    const channel = new MemoryChannel();
    channel.host.set('virtseal.chunk.9', 'old');
    channel.host.set('other.tool', 'keep');
    new TsGuest(channel, { vmId: VM });
    await driveExchange({ channel, vmId: VM, config, timeoutMs: 30_000 });
    expect([...channel.host.keys()]).to.deep.equal(['other.tool']);
  });

  it('validates the config before touching the channel', async () => {
    const channel = new MemoryChannel();
    const err = await driveExchange({ channel, vmId: VM, config: { admin: { name: 'alice' } }, timeoutMs: 1000 });
    expect(err).to.be.instanceOf(InvalidArgument);
    expect((err as InvalidArgument).option).to.equal('guest_config.admin.password');
    expect(channel.writeBatches).to.deep.equal([]);
  });

  it('reports a failure the guest published before any session', async () => {
    const channel = new MemoryChannel();
    channel.guest.set(STATUS_KEY, `failed ${'0'.repeat(32)} no_vm_id -`);
    const err = await driveExchange({ channel, vmId: VM, config, timeoutMs: 30_000 });
    expect(err).to.be.instanceOf(GuestFailed);
    expect((err as GuestFailed).guestReason).to.equal('no_vm_id');
    expect(channel.guest.has(HELLO_KEY)).to.equal(false);
  });
});

describe('seal/host-exchange limits', () => {
  it('refuses a config too large for one exchange with a clear message, before writing', async () => {
    const channel = new MemoryChannel();
    const err = await runSealedExchange({
      channel,
      vmId: VM,
      timeoutMs: 1000,
      config: { run_once: Array.from({ length: 150 }, () => 'x'.repeat(1500)) },
    }).catch((e) => e);
    expect(err).to.be.instanceOf(InvalidArgument);
    expect((err as Error).message).to.match(/KiB/);
    expect(channel.writeBatches).to.deep.equal([]);
  });
});

describe('seal/host-exchange torn reads', function () {
  this.timeout(60_000);
  it('tolerates a hello that reads malformed once (guest rewriting its pool), then completes', async () => {
    const channel = new MemoryChannel();
    const guest = new TsGuest(channel, { vmId: VM });
    const inner = channel.onRead;
    let torn = '';
    let done = false;
    channel.onRead = () => {
      inner();
      const good = channel.guest.get(HELLO_KEY);
      if (good && !done && !torn) {
        torn = good;
        channel.guest.set(HELLO_KEY, good.slice(0, 300));
      } else if (torn && !done) {
        channel.guest.set(HELLO_KEY, torn);
        done = true;
      }
    };
    const result = (await driveExchange({ channel, vmId: VM, config, timeoutMs: 30_000 })) as Record<string, unknown>;
    expect(result).to.include({ state: 'applied', attempt: guest.attempt });
  });

  it('rejects a hello that reads malformed twice with the same bytes', async () => {
    const channel = new MemoryChannel();
    channel.guest.set(HELLO_KEY, '3 not-a-hello');
    const err = await driveExchange({ channel, vmId: VM, config, timeoutMs: 30_000 });
    expect(err).to.be.instanceOf(EnvelopeRejected);
    expect((err as EnvelopeRejected).check).to.equal('hello');
    expect(channel.writeBatches).to.deep.equal([1]); // the challenge only
  });
});

describe('seal/host-exchange cleanup on channel failures', function () {
  this.timeout(60_000);
  it('a write failing mid-envelope propagates and every item already written is removed', async () => {
    const channel = new MemoryChannel();
    new TsGuest(channel, { vmId: VM });
    const write = channel.writeHostItems.bind(channel);
    let calls = 0;
    channel.writeHostItems = async (items) => {
      if (++calls === 3) throw new ScriptFailed('AddKvpItems returned 32768');
      return write(items);
    };
    const big: GuestConfig = {
      hostname: 'big',
      run_once: Array.from({ length: 60 }, (_, i) => `echo ${'z'.repeat(1500)} ${i}`),
    };
    const err = await driveExchange({ channel, vmId: VM, config: big, timeoutMs: 30_000 });
    expect(err).to.be.instanceOf(ScriptFailed);
    expect(channel.writeBatches[1]).to.equal(128);
    expect(channel.host.size).to.equal(0);
  });

  it('a failing removal after success is reported, not swallowed', async () => {
    const channel = new MemoryChannel();
    new TsGuest(channel, { vmId: VM });
    channel.removeHostItems = async () => {
      throw new ScriptFailed('RemoveKvpItems returned 32775');
    };
    const err = await driveExchange({ channel, vmId: VM, config, timeoutMs: 30_000 });
    expect(err).to.be.instanceOf(ScriptFailed);
    expect((err as Error).message).to.contain('RemoveKvpItems');
  });
});

describe('seal/host-exchange attempt limit', function () {
  this.timeout(60_000);
  it('gives up with too_many_attempts when the agent keeps restarting, and cleans up', async () => {
    const channel = new MemoryChannel();
    const guest = new TsGuest(channel, { vmId: VM, outcome: 'silent' });
    channel.onRead = () => {
      if (channel.host.get('virtseal.manifest')?.includes(guest.attempt)) guest.restart();
      else guest.step();
    };
    const err = await driveExchange({ channel, vmId: VM, config, timeoutMs: 30_000, maxAttempts: 2 });
    expect(err).to.be.instanceOf(GuestFailed);
    expect((err as GuestFailed).guestReason).to.equal('too_many_attempts');
    expect(channel.host.size).to.equal(0);
  });
});

describe('seal/host-exchange: only a fresh hello that proves possession is sealed to (finding: stale/planted hellos)', function () {
  this.timeout(60_000);
  const keys = () => ({ kex: newEphemeralKey(), sig: newEphemeralKey() });

  it("never seals to a hello left from an earlier boot or planted in the pool (it does not sign this run's challenge)", async () => {
    const channel = new MemoryChannel();
    const k = keys();
    // Well-formed and validly signed, but for a challenge this run never issued.
    channel.guest.set(
      HELLO_KEY,
      formatHello(
        {
          versions: [3],
          vmId: VM,
          attempt: 'a'.repeat(32),
          challenge: 'c'.repeat(64),
          kex: k.kex.publicKey,
          sig: k.sig.publicKey,
        },
        k.sig.privateKey,
      ),
    );
    const err = await driveExchange({ channel, vmId: VM, config, timeoutMs: 5_000 });
    expect(err).to.be.instanceOf(GuestTimeout);
    expect((err as Error).message).to.match(/stale/);
    expect(channel.writeBatches).to.deep.equal([1]); // the challenge, never an envelope
  });

  it('refuses a hello for the current challenge whose signature is not by its own key (no proof of possession)', async () => {
    const channel = new MemoryChannel();
    const k = keys();
    const other = newEphemeralKey();
    channel.onRead = () => {
      const c = channel.host.get(CHALLENGE_KEY)?.split(' ')[1];
      if (c)
        channel.guest.set(
          HELLO_KEY,
          formatHello(
            {
              versions: [3],
              vmId: VM,
              attempt: 'a'.repeat(32),
              challenge: c,
              kex: k.kex.publicKey,
              sig: k.sig.publicKey,
            },
            other.privateKey,
          ),
        );
    };
    const err = await driveExchange({ channel, vmId: VM, config, timeoutMs: 5_000 });
    expect(err).to.be.instanceOf(EnvelopeRejected);
    expect((err as EnvelopeRejected).check).to.equal('hello_signature');
    expect(channel.writeBatches).to.deep.equal([1]);
    expect(channel.host.size).to.equal(0);
  });

  it('each attempt answers its own challenge: the challenge is renewed after every seal', async () => {
    const channel = new MemoryChannel();
    const guest = new TsGuest(channel, { vmId: VM, outcome: 'silent' });
    const challenges: string[] = [];
    channel.onRead = () => {
      const c = channel.host.get(CHALLENGE_KEY);
      if (c && challenges.at(-1) !== c) challenges.push(c);
      if (channel.host.get('virtseal.manifest')?.includes(guest.attempt) && challenges.length < 3) guest.restart();
      else guest.step();
    };
    (guest as unknown as { options: { outcome: string } }).options.outcome = 'silent';
    await driveExchange({ channel, vmId: VM, config, timeoutMs: 8_000, maxAttempts: 3 });
    expect(challenges.length).to.be.at.least(3);
    expect(new Set(challenges).size).to.equal(challenges.length);
  });

  it('refuses a protocol 2 agent with one line naming both versions, and seals nothing', async () => {
    const channel = new MemoryChannel();
    channel.guest.set(
      HELLO_KEY,
      `2 ${VM} ${'a'.repeat(32)} ${'b'.repeat(64)} MIIBojANBgkqhkiG9w0BAQEFAAOCAY8AMIIBigKCAYEA`,
    );
    const err = await driveExchange({ channel, vmId: VM, config, timeoutMs: 5_000 });
    expect(err).to.be.instanceOf(EnvelopeRejected);
    expect((err as EnvelopeRejected).check).to.equal('version');
    expect((err as Error).message).to.match(
      /^the guest agent speaks protocol 2 but this host side speaks 3: attach virtseal-linux-\S+\.iso \(Linux\) or virtseal-windows-\S+\.iso \(Windows\)/,
    );
    expect(channel.writeBatches).to.deep.equal([1]);
  });

  it('ignores a stale hello that names another VM (never sealed to, never fatal)', async () => {
    const channel = new MemoryChannel();
    const k = keys();
    channel.guest.set(
      HELLO_KEY,
      formatHello(
        {
          versions: [3],
          vmId: '99999999-0000-0000-0000-000000000000',
          attempt: 'a'.repeat(32),
          challenge: 'c'.repeat(64),
          kex: k.kex.publicKey,
          sig: k.sig.publicKey,
        },
        k.sig.privateKey,
      ),
    );
    const err = await driveExchange({ channel, vmId: VM, config, timeoutMs: 5_000 });
    expect(err).to.be.instanceOf(GuestTimeout);
  });

  it("refuses 'applied' without the guest's authenticated applied record of this config", async () => {
    const channel = new MemoryChannel();
    new TsGuest(channel, { vmId: VM, outcome: 'applied-no-record' });
    const err = await driveExchange({ channel, vmId: VM, config, timeoutMs: 30_000 });
    expect(err).to.be.instanceOf(EnvelopeRejected);
    expect((err as EnvelopeRejected).check).to.equal('applied_record');
    expect(channel.host.size).to.equal(0);
  });
});
