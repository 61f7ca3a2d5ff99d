import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { EnvelopeRejected } from '../../../src/core/errors';
import { assembleEnvelope, envelopeItems, parseManifest } from '../../../src/seal/chunking';
import { CHUNK_BYTES, MAX_ITEMS_PER_BATCH } from '../../../src/seal/constants';
import { deriveSessionKeys, rsaOaepDecrypt, rsaOaepEncrypt } from '../../../src/seal/crypto';
import { openEnvelope, sealEnvelope } from '../../../src/seal/envelope';
import { formatStatus, parseStatus } from '../../../src/seal/hello';
import { buildPayload, decodePayload } from '../../../src/seal/payload';
import { PRIVATE_KEY_PATH, PRIVATE_KEY_PEM, VECTORS } from './vectors';

const spki = Buffer.from(VECTORS.public_key_spki_base64, 'base64');

describe('seal/envelope (protocol v2 test vectors)', () => {
  for (const v of VECTORS.cases) {
    describe(`vector ${v.name}`, () => {
      it('payload is the canonical encoding of the config', () => {
        expect(buildPayload(v.config).toString('base64')).to.equal(v.payload_base64);
        expect(decodePayload(Buffer.from(v.payload_base64, 'base64'))).to.be.instanceOf(Map);
      });
      it('derives the recorded session keys', () => {
        const keys = deriveSessionKeys(Buffer.from(v.master_hex, 'hex'), Buffer.from(v.nonce, 'hex'));
        expect([keys.enc, keys.mac, keys.status].map((k) => k.toString('hex'))).to.deep.equal([v.k_enc_hex, v.k_mac_hex, v.k_status_hex]);
      });
      it('seals to exactly the recorded envelope with fixed randomness', () => {
        const sealed = sealEnvelope({
          payload: Buffer.from(v.payload_base64, 'base64'), vmId: v.vm_id, attempt: v.attempt, nonce: v.nonce, publicKey: spki,
          fixed: { master: Buffer.from(v.master_hex, 'hex'), salt: Buffer.from(v.salt_hex, 'hex'), oaepSeed: Buffer.from(v.oaep_seed_hex, 'hex') },
        });
        expect(sealed.envelope).to.equal(v.envelope);
      });
      it('opens with the private key (host-side verifier)', () => {
        const { payload } = openEnvelope(v.envelope, PRIVATE_KEY_PEM, { vmId: v.vm_id, attempt: v.attempt, nonce: v.nonce });
        expect(payload.toString('base64')).to.equal(v.payload_base64);
      });
      it('the wrapped key unwraps with the openssl CLI (pkeyutl OAEP-SHA256), as the Linux agent does it', () => {
        const wrapped = Buffer.from(v.envelope.split('\n')[5]!.slice(4), 'base64');
        const out = execFileSync('openssl', ['pkeyutl', '-decrypt', '-inkey', PRIVATE_KEY_PATH, '-pkeyopt', 'rsa_padding_mode:oaep',
          '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256'], { input: wrapped });
        expect(out.toString('hex')).to.equal(v.master_hex);
      });
      it('status reports verify with K_status', () => {
        const key = Buffer.from(v.k_status_hex, 'hex');
        expect(formatStatus(v.vm_id, v.attempt, 'applied', '-', key)).to.equal(v.status_applied);
        expect(parseStatus(v.status_applied, v.vm_id, key)).to.include({ state: 'applied', authenticated: true });
        expect(parseStatus(v.status_failed, v.vm_id, key)).to.include({ state: 'failed', reason: 'apply_admin' });
        expect(() => parseStatus(v.status_applied, v.vm_id, Buffer.alloc(32))).to.throw(EnvelopeRejected, /MAC/);
      });
    });
  }

  it('deterministic OAEP encoding decrypts with node and matches the RFC 8017 layout', () => {
    const key = createPrivateKey(PRIVATE_KEY_PEM);
    const msg = Buffer.alloc(32, 7);
    const wrapped = rsaOaepEncrypt(createPublicKey(createPrivateKey(PRIVATE_KEY_PEM)).export({ type: 'spki', format: 'pem' }).toString(), msg, Buffer.alloc(32, 1));
    expect(rsaOaepDecrypt(key, wrapped)).to.deep.equal(msg);
  });

  it('rejects a guest key shorter than 3072 bits', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = publicKey.export({ type: 'spki', format: 'der' });
    expect(() => sealEnvelope({ payload: Buffer.from('x'), vmId: 'a', attempt: '0'.repeat(32), nonce: '0'.repeat(64), publicKey: der }))
      .to.throw(EnvelopeRejected, /3072/);
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
