/**
 * The sealed envelope of protocol v2 (docs/protocol.md §4): canonical text, one field per line,
 *
 *   virtseal-envelope 2
 *   vm <vm-id>            attempt <32 hex>        nonce <64 hex>   (session binding, each on its own line)
 *   alg <ALGORITHM>
 *   key <base64 RSA-OAEP-SHA256(master secret)>
 *   data <base64 "Salted__" ‖ salt ‖ AES-256-CBC(payload)>
 *   mac <hex HMAC-SHA256(K_mac, every byte above)>
 *
 * Everything the guest relies on is under the MAC; the MAC key is derived from a secret only the holder of the
 * per-attempt private key can unwrap, salted with the guest's nonce.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { EnvelopeRejected, InvalidArgument } from '../core/errors';
import { ALGORITHM, ENVELOPE_MAGIC, RSA_BITS } from './constants';
import {
  decryptData,
  deriveSessionKeys,
  encryptData,
  equalsConstantTime,
  hmacSha256,
  rsaOaepDecrypt,
  rsaOaepEncrypt,
  secureRandom,
  type RandomSource,
  type SessionKeys,
} from './crypto';

export interface SessionBinding {
  /** Lower-case VM id (GUID/UUID). */
  readonly vmId: string;
  /** 32 lower-case hex digits chosen by the guest per attempt. */
  readonly attempt: string;
  /** 64 lower-case hex digits chosen by the guest per attempt. */
  readonly nonce: string;
}

export interface SealOptions extends SessionBinding {
  readonly payload: Buffer;
  /** The guest's public key: SPKI DER, or a KeyObject. */
  readonly publicKey: Buffer | KeyObject;
  /** Test vectors only: fixed randomness. */
  readonly fixed?: { readonly master: Buffer; readonly salt: Buffer; readonly oaepSeed: Buffer };
  readonly random?: RandomSource;
}

export interface Sealed {
  readonly envelope: string;
  /** Kept by the host to verify the guest's status reports. */
  readonly keys: SessionKeys;
}

export const normalizeVmId = (id: string): string => id.trim().toLowerCase();

export function publicKeyFromSpki(spki: Buffer): KeyObject {
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'rsa' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < RSA_BITS) {
    throw new EnvelopeRejected('public_key', `guest public key must be RSA with at least ${RSA_BITS} bits`);
  }
  return key;
}

export function sealEnvelope(options: SealOptions): Sealed {
  const random = options.random ?? secureRandom;
  if (!/^[0-9a-f-]{1,64}$/.test(normalizeVmId(options.vmId))) {
    throw new InvalidArgument(`vm id '${options.vmId}' is not a GUID/UUID`, 'vm_id');
  }
  if (!/^[0-9a-f]{32}$/.test(options.attempt) || !/^[0-9a-f]{64}$/.test(options.nonce)) {
    throw new EnvelopeRejected('hello', 'attempt id or nonce from the guest is malformed');
  }
  const key = Buffer.isBuffer(options.publicKey) ? publicKeyFromSpki(options.publicKey) : options.publicKey;
  const master = options.fixed?.master ?? random(32);
  const keys = deriveSessionKeys(master, Buffer.from(options.nonce, 'hex'));
  const wrapped = rsaOaepEncrypt(key, master, options.fixed?.oaepSeed);
  const data = encryptData(keys.enc, options.payload, options.fixed?.salt ?? random(8));
  const body =
    [
      ENVELOPE_MAGIC,
      `vm ${normalizeVmId(options.vmId)}`,
      `attempt ${options.attempt}`,
      `nonce ${options.nonce}`,
      `alg ${ALGORITHM}`,
      `key ${wrapped.toString('base64')}`,
      `data ${data.toString('base64')}`,
    ].join('\n') + '\n';
  const mac = hmacSha256(keys.mac, body).toString('hex');
  return { envelope: `${body}mac ${mac}\n`, keys };
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parses, checks the session binding, unwraps, verifies the MAC, decrypts. Throws EnvelopeRejected(check). */
export function openEnvelope(
  envelope: string,
  privateKey: KeyObject | string,
  expected: SessionBinding,
): { payload: Buffer; keys: SessionKeys } {
  const lines = envelope.split('\n');
  if (lines.length !== 9 || lines[8] !== '' || lines[0] !== ENVELOPE_MAGIC) {
    if (lines[0]?.startsWith('virtseal-envelope ') && lines[0] !== ENVELOPE_MAGIC) {
      throw new EnvelopeRejected('version', `envelope version '${lines[0].slice(18)}' is not supported (expected 2)`);
    }
    throw new EnvelopeRejected('format', 'envelope is not 8 canonical lines starting with "virtseal-envelope 2"');
  }
  const field = (i: number, tag: string, pattern: RegExp): string => {
    const line = lines[i]!;
    const value = line.slice(tag.length + 1);
    if (!line.startsWith(`${tag} `) || !pattern.test(value)) {
      throw new EnvelopeRejected('format', `envelope line ${i + 1} is not a valid '${tag}' field`);
    }
    return value;
  };
  const vm = field(1, 'vm', /^[0-9a-f-]{1,64}$/);
  const attempt = field(2, 'attempt', /^[0-9a-f]{32}$/);
  const nonce = field(3, 'nonce', /^[0-9a-f]{64}$/);
  const alg = field(4, 'alg', /^\S+$/);
  const wrapped = field(5, 'key', B64);
  const data = field(6, 'data', B64);
  const mac = field(7, 'mac', /^[0-9a-f]{64}$/);
  if (alg !== ALGORITHM) throw new EnvelopeRejected('algorithm', `envelope algorithm '${alg}' is not ${ALGORITHM}`);
  if (vm !== normalizeVmId(expected.vmId)) throw new EnvelopeRejected('vm_id', 'envelope is sealed for another VM (foreign data)');
  if (attempt !== expected.attempt) throw new EnvelopeRejected('attempt', 'envelope belongs to another attempt (stale or replayed)');
  if (nonce !== expected.nonce) throw new EnvelopeRejected('nonce', 'envelope nonce does not match this attempt (replayed)');
  let master: Buffer;
  try {
    master = rsaOaepDecrypt(privateKey, Buffer.from(wrapped, 'base64'));
  } catch {
    throw new EnvelopeRejected('key_unwrap', 'the wrapped key does not decrypt with this attempt\'s private key');
  }
  if (master.length !== 32) throw new EnvelopeRejected('key_unwrap', 'the wrapped key has the wrong length');
  const keys = deriveSessionKeys(master, Buffer.from(nonce, 'hex'));
  const body = lines.slice(0, 7).join('\n') + '\n';
  if (!equalsConstantTime(hmacSha256(keys.mac, body), Buffer.from(mac, 'hex'))) {
    throw new EnvelopeRejected('mac', 'envelope MAC does not verify (tampered, truncated or reordered)');
  }
  try {
    return { payload: decryptData(keys.enc, Buffer.from(data, 'base64')), keys };
  } catch {
    throw new EnvelopeRejected('decrypt', 'authenticated data does not decrypt (sealed by a faulty host)');
  }
}
