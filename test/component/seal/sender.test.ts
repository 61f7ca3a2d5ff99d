/**
 * Sender authentication (docs/protocol.md §4a): the committed sender vectors in Node and in the openssl CLI the
 * Linux agent uses, the host writing the signature before the manifest, and a guest with a pinned key refusing an
 * envelope sealed by anyone else, however valid it is otherwise.
 */
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvelopeRejected, GuestTimeout, InvalidArgument } from '../../../src/core/errors';
import { SIGNATURE_KEY } from '../../../src/seal/constants';
import { openEnvelope } from '../../../src/seal/envelope';
import type { GuestConfig } from '../../../src/seal/guest-config';
import {
  envelopeSignatureValid,
  parsePinnedSenderKey,
  parseSenderKey,
  senderPublicKeyPem,
  senderSignedText,
} from '../../../src/seal/sender';
import { driveExchange, MemoryChannel, TsGuest } from '../../helpers/memory-guest';
import { KEY_PATHS, SENDER_PUBLIC_PEM, VECTORS, vectorKey } from '../../helpers/seal-vectors';

const sender = vectorKey('sender');
const kex = vectorKey('guestKex');
const VM = '5c0ffee0-1234-4321-abcd-00155d010203';
const config: GuestConfig = { hostname: 'web01', admin: { name: 'alice', password: 'Canary-Secret-77' } };

describe('seal/sender (sender authentication)', function () {
  this.timeout(60_000);

  it('the committed public key is the one of the committed sender key', () => {
    expect(senderPublicKeyPem(sender.privateKey)).to.equal(readFileSync(SENDER_PUBLIC_PEM, 'utf8'));
    expect(createPublicKey(readFileSync(SENDER_PUBLIC_PEM)).export({ type: 'spki', format: 'der' })).to.deep.equal(
      Buffer.from(VECTORS.sender_spki_base64, 'base64'),
    );
  });

  for (const v of VECTORS.cases) {
    describe(`vector ${v.name}`, () => {
      const [attempt, signature] = v.sender_signature.split(' ') as [string, string];
      const binding = { vmId: v.vm_id, attempt: v.attempt, challenge: v.challenge, hello: v.hello };
      it('signs the recorded text, and the recorded signature verifies with the pinned key only', () => {
        expect(attempt).to.equal(v.attempt);
        expect(createHash('sha256').update(senderSignedText(v.hello, v.envelope)).digest('hex')).to.equal(
          v.sender_signed_sha256_hex,
        );
        expect(envelopeSignatureValid(v.hello, v.envelope, signature, sender.publicKey)).to.equal(true);
        const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
        expect(envelopeSignatureValid(v.hello, v.envelope, signature, other)).to.equal(false);
        // The signature covers the hello (through the transcript hash) and every envelope byte.
        expect(
          envelopeSignatureValid(v.hello.replace(v.challenge, 'f'.repeat(64)), v.envelope, signature, sender.publicKey),
        ).to.equal(false);
        const data = v.envelope.indexOf('\ndata ') + 20;
        const edited = v.envelope.slice(0, data) + (v.envelope[data] === 'A' ? 'B' : 'A') + v.envelope.slice(data + 1);
        expect(envelopeSignatureValid(v.hello, edited, signature, sender.publicKey)).to.equal(false);
      });
      it('openssl dgst -verify (as the Linux agent runs it) accepts the recorded signature', () => {
        const dir = mkdtempSync(join(tmpdir(), 'virtseal-sender-'));
        try {
          writeFileSync(join(dir, 'sig'), Buffer.from(signature, 'base64'));
          const ok = spawnSync(
            'openssl',
            ['dgst', '-sha256', '-verify', SENDER_PUBLIC_PEM, '-signature', join(dir, 'sig')],
            { input: senderSignedText(v.hello, v.envelope) },
          );
          expect(ok.status, ok.stderr.toString()).to.equal(0);
          const bad = spawnSync(
            'openssl',
            ['dgst', '-sha256', '-verify', SENDER_PUBLIC_PEM, '-signature', join(dir, 'sig')],
            { input: senderSignedText(v.hello, v.envelope.replace('virtseal-envelope 3', 'virtseal-envelope 3 ')) },
          );
          expect(bad.status).to.not.equal(0);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
      it('a guest with a pinned key opens the signed envelope and refuses it unsigned or signed by another key', () => {
        const pinned = { pinned: sender.publicKey, signature };
        expect(openEnvelope(v.envelope, kex.privateKey, binding, pinned).payload.toString('base64')).to.equal(
          v.payload_base64,
        );
        expect(() => openEnvelope(v.envelope, kex.privateKey, binding, { ...pinned, signature: undefined }))
          .to.throw(EnvelopeRejected, /not signed/)
          .with.property('check', 'signature');
        const forged = execFileSync('openssl', ['dgst', '-sha256', '-sign', KEY_PATHS.guestSig], {
          input: senderSignedText(v.hello, v.envelope),
        }).toString('base64');
        expect(() => openEnvelope(v.envelope, kex.privateKey, binding, { ...pinned, signature: forged }))
          .to.throw(EnvelopeRejected, /not by the pinned sender key/)
          .with.property('check', 'signature');
        // Without a pin the envelope opens as before (compatibility).
        expect(openEnvelope(v.envelope, kex.privateKey, binding).payload.toString('base64')).to.equal(v.payload_base64);
      });
    });
  }

  it('the host signs each envelope for its hello and writes the signature before the manifest', async () => {
    const channel = new MemoryChannel();
    const seen: string[][] = [];
    const write = channel.writeHostItems.bind(channel);
    channel.writeHostItems = async (items) => {
      seen.push(items.map(([k]) => k));
      return write(items);
    };
    const guest = new TsGuest(channel, { vmId: VM, pinned: sender.publicKey });
    const result = (await driveExchange({
      channel,
      vmId: VM,
      config,
      timeoutMs: 30_000,
      senderKey: sender.privateKey,
    })) as Record<string, unknown>;
    expect(result).to.include({ state: 'applied', attempts: 1 });
    expect(guest.payload?.get('admin.password')).to.equal('Canary-Secret-77');
    const sigAt = seen.findIndex((b) => b.includes(SIGNATURE_KEY));
    const manifestAt = seen.findIndex((b) => b.includes('virtseal.manifest'));
    expect(sigAt).to.be.greaterThan(-1);
    expect(sigAt).to.be.lessThan(manifestAt);
    expect(channel.host.size).to.equal(0);
    // The chunks, the signature, the manifest and the challenge.
    expect(result.itemsRemoved).to.equal((result.chunks as number) + 3);
  });

  it('an attacker who writes pool 0 and reads the hello, without the sender key, gets nothing opened', async () => {
    const channel = new MemoryChannel();
    const guest = new TsGuest(channel, { vmId: VM, pinned: sender.publicKey });
    // A complete, valid-by-v3 exchange run by a party without the controller's key: unsigned, then signed by
    // its own key.
    const unsigned = await driveExchange({ channel, vmId: VM, config: { hostname: 'evil' }, timeoutMs: 5_000 });
    expect(unsigned).to.be.instanceOf(GuestTimeout);
    expect(guest.payload).to.equal(undefined);
    expect(guest.rejections.join('\n')).to.match(/not signed/);
    const own = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    guest.restart();
    const forged = await driveExchange({
      channel,
      vmId: VM,
      config: { hostname: 'evil' },
      timeoutMs: 5_000,
      senderKey: own,
    });
    expect(forged).to.be.instanceOf(GuestTimeout);
    expect(guest.payload).to.equal(undefined);
    expect(guest.rejections.join('\n')).to.match(/not by the pinned sender key/);
    guest.restart();
    const legit = await driveExchange({ channel, vmId: VM, config, timeoutMs: 5_000, senderKey: sender.privateKey });
    expect(legit).to.include({ state: 'applied' });
    expect(guest.payload?.get('hostname')).to.equal('web01');
  });

  it('parses the controller key: P-256 only, one line naming the option, never the key text', () => {
    const pem = readFileSync(KEY_PATHS.sender, 'utf8');
    expect(parseSenderKey(pem, 'sender_key').asymmetricKeyDetails?.namedCurve).to.equal('prime256v1');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    for (const bad of [rsa.toString(), 'not a key', pem.replace('MIG', 'MIH')]) {
      let error: unknown;
      try {
        parseSenderKey(bad, 'sender_key');
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(InvalidArgument);
      expect((error as Error).message).to.match(/^sender_key: /);
      expect((error as Error).message).to.not.include('MIG');
      expect((error as Error).message.split('\n')).to.have.length(1);
    }
    expect(() => parsePinnedSenderKey(pem, 'pin')).to.throw(InvalidArgument, /^pin: not a PEM public key/);
  });
});
