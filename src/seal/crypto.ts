/**
 * Cryptographic primitives of protocol v2 on node:crypto (OpenSSL underneath, constant-time compares, no
 * third-party code). Randomness can be injected so the committed test vectors are reproducible.
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPublicKey,
  pbkdf2Sync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { INFO_ENC, INFO_MAC, INFO_STATUS, PBKDF2_ITERATIONS } from './constants';

export type RandomSource = (bytes: number) => Buffer;
export const secureRandom: RandomSource = (n) => randomBytes(n);

export const hmacSha256 = (key: Buffer, data: Buffer | string): Buffer => createHmac('sha256', key).update(data).digest();

export interface SessionKeys {
  readonly enc: Buffer;
  readonly mac: Buffer;
  readonly status: Buffer;
}

/** HKDF-SHA256 (RFC 5869) with the guest nonce as salt; one output block per label. */
export function deriveSessionKeys(master: Buffer, nonce: Buffer): SessionKeys {
  const prk = hmacSha256(nonce, master);
  const expand = (info: string): Buffer => hmacSha256(prk, Buffer.concat([Buffer.from(info), Buffer.from([1])]));
  return { enc: expand(INFO_ENC), mac: expand(INFO_MAC), status: expand(INFO_STATUS) };
}

/** AES key + IV the way `openssl enc -aes-256-cbc -pbkdf2 -iter 1 -md sha256 -pass` derives them. */
function cipherParams(encKey: Buffer, salt: Buffer): { key: Buffer; iv: Buffer } {
  const out = pbkdf2Sync(Buffer.from(encKey.toString('hex')), salt, PBKDF2_ITERATIONS, 48, 'sha256');
  return { key: out.subarray(0, 32), iv: out.subarray(32) };
}

/** Encrypts into the `openssl enc` container: "Salted__" ‖ salt(8) ‖ AES-256-CBC-PKCS7. */
export function encryptData(encKey: Buffer, plaintext: Buffer, salt: Buffer): Buffer {
  const { key, iv } = cipherParams(encKey, salt);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([Buffer.from('Salted__'), salt, cipher.update(plaintext), cipher.final()]);
}

/** Inverse of encryptData; throws on a malformed container or bad padding (only reached after the MAC passed). */
export function decryptData(encKey: Buffer, container: Buffer): Buffer {
  if (container.length < 32 || container.subarray(0, 8).toString('latin1') !== 'Salted__' || (container.length - 16) % 16 !== 0) {
    throw new Error('malformed ciphertext container');
  }
  const { key, iv } = cipherParams(encKey, container.subarray(8, 16));
  const decipher = createDecipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([decipher.update(container.subarray(16)), decipher.final()]);
}

export function equalsConstantTime(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function mgf1(seed: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  for (let counter = 0; out.length * 32 < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    out.push(createHash('sha256').update(seed).update(c).digest());
  }
  return Buffer.concat(out).subarray(0, length);
}

/**
 * RSA-OAEP with SHA-256 and MGF1-SHA-256, empty label. With `seed` (test vectors only) the EME-OAEP encoding of
 * RFC 8017 §7.1.1 is done here and the raw RSA step by OpenSSL; without it OpenSSL does both.
 */
export function rsaOaepEncrypt(publicKey: KeyObject | string, message: Buffer, seed?: Buffer): Buffer {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  if (!seed) return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, message);
  const k = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  const hLen = 32;
  if (seed.length !== hLen || message.length > k - 2 * hLen - 2) throw new Error('OAEP: bad seed or message too long');
  const lHash = createHash('sha256').digest();
  const db = Buffer.concat([lHash, Buffer.alloc(k - message.length - 2 * hLen - 2), Buffer.from([1]), message]);
  const maskedDb = xor(db, mgf1(seed, k - hLen - 1));
  const maskedSeed = xor(seed, mgf1(maskedDb, hLen));
  const em = Buffer.concat([Buffer.from([0]), maskedSeed, maskedDb]);
  return publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, em);
}

export function rsaOaepDecrypt(privateKey: KeyObject | string, wrapped: Buffer): Buffer {
  return privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, wrapped);
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}
