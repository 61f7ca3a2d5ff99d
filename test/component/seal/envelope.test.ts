import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvelopeRejected } from '../../../src/core/errors';
import { assembleEnvelope, envelopeItems, parseManifest } from '../../../src/seal/chunking';
import { CHUNK_BYTES, MAX_ITEMS_PER_BATCH } from '../../../src/seal/constants';
import { configDigest, deriveSessionKeys, ecdh, spkiOf, transcriptHash } from '../../../src/seal/crypto';
import { openEnvelope, sealEnvelope } from '../../../src/seal/envelope';
import {
  appliedRecordMacValid,
  formatHello,
  formatStatus,
  parseAppliedRecord,
  parseHello,
  parseStatus,
  verifyHello,
} from '../../../src/seal/hello';
import { buildPayload, decodePayload, sealedPayload } from '../../../src/seal/payload';
import { KEY_PATHS, VECTORS, vectorKey } from '../../helpers/seal-vectors';

const kex = vectorKey('guestKex');
const sig = vectorKey('guestSig');
const ephemeral = vectorKey('hostEphemeral');

describe('seal/envelope (protocol v3 test vectors)', () => {
  for (const v of VECTORS.cases) {
    describe(`vector ${v.name}`, () => {
      const binding = { vmId: v.vm_id, attempt: v.attempt, challenge: v.challenge, hello: v.hello };
      it('payload is the canonical config plus the applied record of its digest', () => {
        const p = sealedPayload(v.config, v.vm_id, Buffer.from(v.record_salt_hex, 'hex'));
        expect(p.payload.toString('base64')).to.equal(v.payload_base64);
        expect(p.digest).to.equal(v.record_digest_hex);
        expect(
          configDigest(buildPayload(v.config), v.vm_id, Buffer.from(v.record_salt_hex, 'hex')).toString('hex'),
        ).to.equal(v.record_digest_hex);
        const entries = decodePayload(Buffer.from(v.payload_base64, 'base64'))!;
        expect(entries.get('record.digest')).to.equal(v.record_digest_hex);
      });
      it('the hello proves possession of the recorded keys and answers the challenge', () => {
        const hello = parseHello(v.hello);
        expect(hello).to.include({ vmId: v.vm_id, attempt: v.attempt, challenge: v.challenge });
        expect(hello.kex.toString('base64')).to.equal(VECTORS.guest_kex_spki_base64);
        expect(spkiOf(verifyHello(hello).kex).toString('base64')).to.equal(VECTORS.guest_kex_spki_base64);
        const forged = v.hello.replace(v.challenge, 'f'.repeat(64));
        expect(() => verifyHello(parseHello(forged))).to.throw(EnvelopeRejected, /signature/);
      });
      it('derives the recorded shared secret, transcript hash and session keys', () => {
        const z = ecdh(ephemeral.privateKey, kex.publicKey);
        expect(z.toString('hex')).to.equal(v.z_hex);
        expect(ecdh(kex.privateKey, ephemeral.publicKey).toString('hex')).to.equal(v.z_hex);
        const th = transcriptHash(v.hello, v.epk_spki_base64);
        expect(th.toString('hex')).to.equal(v.transcript_hash_hex);
        const keys = deriveSessionKeys(z, th);
        expect([keys.enc, keys.mac, keys.status].map((k) => k.toString('hex'))).to.deep.equal([
          v.k_enc_hex,
          v.k_mac_hex,
          v.k_status_hex,
        ]);
      });
      it('seals to exactly the recorded envelope with a fixed ephemeral key and salt', () => {
        const sealed = sealEnvelope({
          ...binding,
          payload: Buffer.from(v.payload_base64, 'base64'),
          guestKey: kex.publicKey,
          fixed: { ephemeral, salt: Buffer.from(v.salt_hex, 'hex') },
        });
        expect(sealed.envelope).to.equal(v.envelope);
      });
      it('opens with the guest key (host-side verifier); another hello or key does not', () => {
        const { payload } = openEnvelope(v.envelope, kex.privateKey, binding);
        expect(payload.toString('base64')).to.equal(v.payload_base64);
        const otherHello = formatHello(
          {
            versions: [3],
            vmId: v.vm_id,
            attempt: v.attempt,
            challenge: v.challenge,
            kex: kex.publicKey,
            sig: sig.publicKey,
          },
          sig.privateKey,
        );
        expect(() => openEnvelope(v.envelope, kex.privateKey, { ...binding, hello: otherHello })).to.throw(
          EnvelopeRejected,
          /MAC/,
        );
        expect(() =>
          openEnvelope(v.envelope, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey, binding),
        ).to.throw(EnvelopeRejected, /MAC/);
      });
      it('openssl pkeyutl -derive and dgst give the same shared secret and K_enc, as the Linux agent computes them', () => {
        const dir = mkdtempSync(join(tmpdir(), 'virtseal-vec-'));
        let z: Buffer;
        try {
          writeFileSync(join(dir, 'epk.der'), Buffer.from(v.epk_spki_base64, 'base64'));
          z = execFileSync('openssl', [
            'pkeyutl',
            '-derive',
            '-inkey',
            KEY_PATHS.guestKex,
            '-peerkey',
            join(dir, 'epk.der'),
            '-peerform',
            'DER',
          ]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
        expect(z.toString('hex')).to.equal(v.z_hex);
        const k = execFileSync('openssl', ['dgst', '-sha256', '-r'], {
          input: Buffer.concat([Buffer.from('virtseal/3 enc\n'), z, Buffer.from(v.transcript_hash_hex, 'hex')]),
        });
        expect(k.toString().split(' ')[0]).to.equal(v.k_enc_hex);
      });
      it('status reports and the applied record verify with K_status', () => {
        const key = Buffer.from(v.k_status_hex, 'hex');
        expect(formatStatus(v.vm_id, v.attempt, 'applied', '-', key)).to.equal(v.status_applied);
        expect(parseStatus(v.status_applied, v.vm_id, key)).to.include({ state: 'applied', authenticated: true });
        expect(parseStatus(v.status_failed, v.vm_id, key)).to.include({ state: 'failed', reason: 'apply_admin' });
        expect(() => parseStatus(v.status_applied, v.vm_id, Buffer.alloc(32))).to.throw(EnvelopeRejected, /MAC/);
        const record = parseAppliedRecord(v.applied_record)!;
        expect(record).to.include({
          version: 3,
          vmId: v.vm_id,
          attempt: v.attempt,
          salt: v.record_salt_hex,
          digest: v.record_digest_hex,
        });
        expect(appliedRecordMacValid(record, key)).to.equal(true);
        expect(appliedRecordMacValid({ ...record, digest: '0'.repeat(64) }, key)).to.equal(false);
      });
    });
  }

  it('an ECDSA signature made by openssl dgst -sign (as the Linux agent does) verifies on the host', () => {
    const v = VECTORS.cases[0]!;
    const fields = v.hello.slice(0, v.hello.lastIndexOf(' '));
    const signature = execFileSync('openssl', ['dgst', '-sha256', '-sign', KEY_PATHS.guestSig], {
      input: `virtseal/3 hello\n${fields}\n`,
    });
    expect(() => verifyHello(parseHello(`${fields} ${signature.toString('base64')}`))).to.not.throw();
  });

  it('refuses a hello whose keys are not P-256', () => {
    const v = VECTORS.cases[0]!;
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const hello = formatHello(
      {
        versions: [3],
        vmId: v.vm_id,
        attempt: v.attempt,
        challenge: v.challenge,
        kex: p384.publicKey,
        sig: sig.publicKey,
      },
      sig.privateKey,
    );
    expect(() => verifyHello(parseHello(hello))).to.throw(EnvelopeRejected, /P-256/);
  });

  it('chunks fit KVP values, batches hold at most 128 items and the manifest comes last, alone', () => {
    const envelope = 'x'.repeat(CHUNK_BYTES * 200 + 5);
    const batches = envelopeItems(envelope, 'a'.repeat(32));
    expect(batches.every((b) => b.length <= MAX_ITEMS_PER_BATCH)).to.equal(true);
    const last = batches.at(-1)!;
    expect(last).to.have.length(1);
    expect(last[0]![0]).to.equal('virtseal.manifest');
    const items = new Map(batches.flat().map(([k, v]) => [k, v] as [string, string]));
    for (const [, value] of items) expect(Buffer.byteLength(value)).to.be.at.most(1000);
    const manifest = parseManifest(items.get('virtseal.manifest')!);
    expect(assembleEnvelope(items, manifest)).to.equal(envelope);
    items.delete('virtseal.chunk.7');
    expect(assembleEnvelope(items, manifest)).to.equal(undefined);
  });
});
