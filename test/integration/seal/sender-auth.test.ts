/**
 * Sender authentication against the real Linux agent (sh + openssl): with the controller's public key pinned where
 * the media put it (ROOT/etc/virtseal/sender-key.pem), an envelope that is valid by protocol 3 but not signed by the
 * controller (a party that writes pool 0 and reads the hello) is refused with envelope_signature and reported; the
 * controller's signed envelope applies; the sender key never leaves the controller's memory.
 */
import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuestFailed } from '../../../src/core/errors';
import type { GuestConfig } from '../../../src/seal/guest-config';
import { runSealedExchange } from '../../../src/seal/host-exchange';
import { poolFileChannel, poolPath, readPool } from '../../../src/seal/kvp-pool-file';
import { parseSenderKey, senderPublicKeyPem } from '../../../src/seal/sender';
import { makeWorld, startAgent, type AgentWorld } from './agent-harness';

const config: GuestConfig = { hostname: 'web01', run_once: ['echo ran > "$VIRTSEAL_ROOT/run-once.txt"'] };
const evil: GuestConfig = { hostname: 'evil', run_once: ['echo owned > "$VIRTSEAL_ROOT/owned.txt"'] };

function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? allFiles(p) : e.isFile() ? [p] : [];
  });
}

describe('seal: sender authentication against the real Linux agent', function () {
  this.timeout(120_000);
  // The controller's key, as guest_config receives it (PEM text); its public half is pinned on the media.
  const senderPem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const senderKey = parseSenderKey(senderPem, 'sender_key');
  let world: AgentWorld;
  const pin = (pem = senderPublicKeyPem(senderKey)): void => {
    mkdirSync(join(world.root, 'etc/virtseal'), { recursive: true });
    writeFileSync(join(world.root, 'etc/virtseal/sender-key.pem'), pem);
  };
  beforeEach(() => (world = makeWorld()));
  afterEach(() => world.cleanup());

  for (const [who, key] of [
    ['without any sender key', undefined],
    ['signing with a key of its own', generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey],
  ] as const) {
    it(`an attacker who writes pool 0 and reads the hello, ${who}, is refused (envelope_signature)`, async () => {
      pin();
      const agent = startAgent(world);
      const err = await runSealedExchange({
        channel: poolFileChannel(world.kvpDir),
        vmId: world.vmId,
        config: evil,
        timeoutMs: 60_000,
        senderKey: key,
      }).catch((e) => e);
      const { code, stderr } = await agent.done;
      expect(err).to.be.instanceOf(GuestFailed);
      expect((err as GuestFailed).guestReason).to.equal('envelope_signature');
      expect(code).to.equal(1);
      expect(stderr).to.match(/sender key pinned/);
      expect(stderr).to.match(
        key
          ? /envelope rejected: the signature is not by the pinned sender key/
          : /envelope rejected: no sender signature/,
      );
      expect(existsSync(join(world.root, 'etc/hostname'))).to.equal(false);
      expect(existsSync(join(world.root, 'owned.txt'))).to.equal(false);
      expect(readPool(poolPath(world.kvpDir, 0))).to.deep.equal([]);
      expect(readPool(poolPath(world.kvpDir, 1))).to.deep.equal([]);
    });
  }

  it("the controller's signed envelope applies, and the sender key is in no file, log, result or pool", async () => {
    pin();
    const logs: string[] = [];
    const since = Date.now();
    const agent = startAgent(world);
    const result = await runSealedExchange({
      channel: poolFileChannel(world.kvpDir),
      vmId: world.vmId,
      config,
      timeoutMs: 60_000,
      senderKey,
      debug: (m) => logs.push(m),
      warn: (m) => logs.push(m),
    });
    const { code, stderr } = await agent.done;
    expect(code, stderr).to.equal(0);
    expect(result).to.include({ protocol: 'v3', state: 'applied', attempts: 1 });
    expect(readFileSync(join(world.root, 'etc/hostname'), 'utf8')).to.equal('web01\n');
    expect(readFileSync(join(world.root, 'run-once.txt'), 'utf8')).to.equal('ran\n');
    expect(readPool(poolPath(world.kvpDir, 0))).to.deep.equal([]);
    // Canary: the private key's base64 body (any 40-character slice of it) appears nowhere.
    const body = senderPem.split('\n').slice(1, -2).join('');
    const needles = [body.slice(0, 40), body.slice(40, 80), body.slice(-40)];
    const recent = readdirSync(tmpdir())
      .map((f) => join(tmpdir(), f))
      .filter((p) => {
        try {
          return statSync(p).isFile() && statSync(p).mtimeMs >= since;
        } catch {
          return false;
        }
      });
    const haystacks: [string, string][] = [
      ['stderr', stderr],
      ['logs', logs.join('\n')],
      ['result', JSON.stringify(result)],
      ...[...allFiles(world.base), ...recent].map((f): [string, string] => [f, readFileSync(f).toString('latin1')]),
    ];
    for (const [where, text] of haystacks) for (const n of needles) expect(text, where).to.not.include(n);
  });

  it('an agent without a pinned key opens signed and unsigned envelopes alike (compatibility)', async () => {
    for (const key of [senderKey, undefined]) {
      const w = makeWorld();
      try {
        const agent = startAgent(w);
        const r = await runSealedExchange({
          channel: poolFileChannel(w.kvpDir),
          vmId: w.vmId,
          config,
          timeoutMs: 60_000,
          senderKey: key,
        });
        const { code, stderr } = await agent.done;
        expect(code, stderr).to.equal(0);
        expect(stderr).to.not.match(/sender key pinned/);
        expect(r).to.include({ state: 'applied' });
      } finally {
        w.cleanup();
      }
    }
  });

  it('a pinned key that is not a P-256 public key fails the exchange (sender_key) instead of opening anything', async () => {
    pin(
      generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    );
    const agent = startAgent(world);
    const err = await runSealedExchange({
      channel: poolFileChannel(world.kvpDir),
      vmId: world.vmId,
      config,
      timeoutMs: 60_000,
      senderKey,
    }).catch((e) => e);
    const { code } = await agent.done;
    expect(err).to.be.instanceOf(GuestFailed);
    expect((err as GuestFailed).guestReason).to.equal('sender_key');
    expect(code).to.equal(1);
    expect(existsSync(join(world.root, 'etc/hostname'))).to.equal(false);
  });
});
