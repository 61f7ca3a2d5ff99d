/**
 * Cryptographic primitives of protocol v3 on node:crypto (OpenSSL underneath, constant-time compares, no
 * third-party code). Randomness and ephemeral keys can be injected so the committed test vectors are reproducible.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  pbkdf2Sync,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { EnvelopeRejected } from '../core/errors';
import {
  CONFIG_DIGEST_ITERATIONS,
  CONFIG_DIGEST_LABEL,
  INFO_ENC,
  INFO_MAC,
  INFO_STATUS,
  PBKDF2_ITERATIONS,
  TRANSCRIPT_LABEL,
} from './constants';

export type RandomSource = (bytes: number) => Buffer;
export const secureRandom: RandomSource = (n) => randomBytes(n);

export const hmacSha256 = (key: Buffer, data: Buffer | string): Buffer =>
  createHmac('sha256', key).update(data).digest();
export const sha256 = (...parts: (Buffer | string)[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

export interface SessionKeys {
  readonly enc: Buffer;
  readonly mac: Buffer;
  readonly status: Buffer;
}

/** A P-256 public key from base64 SPKI DER; anything else is a rejection naming `what`. */
export function p256FromSpki(spki: Buffer, check: string, what: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    throw new EnvelopeRejected(check, `${what} is not a DER SubjectPublicKeyInfo`);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new EnvelopeRejected(check, `${what} is not an EC P-256 key`);
  }
  return key;
}

export const spkiOf = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });

export function newEphemeralKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

/** ECDH on P-256: the x coordinate of the shared point (what `openssl pkeyutl -derive` and CNG compute). */
export const ecdh = (privateKey: KeyObject, publicKey: KeyObject): Buffer => diffieHellman({ privateKey, publicKey });

/** SHA-256 over the transcript: the guest's hello (as published) and the host's ephemeral key (base64 SPKI). */
export const transcriptHash = (hello: string, epkBase64: string): Buffer =>
  sha256(`${TRANSCRIPT_LABEL}\n${hello}\n${epkBase64}\n`);

/**
 * K = SHA-256(label ‖ LF ‖ Z ‖ TH): what `ECDiffieHellmanCng` derives with KeyDerivationFunction Hash, SHA-256,
 * SecretPrepend = label ‖ LF and SecretAppend = TH, and what `openssl pkeyutl -derive | openssl dgst` gives in sh.
 */
export function deriveSessionKeys(z: Buffer, th: Buffer): SessionKeys {
  const k = (label: string): Buffer => sha256(`${label}\n`, z, th);
  return { enc: k(INFO_ENC), mac: k(INFO_MAC), status: k(INFO_STATUS) };
}

/** Digest of a canonical config for the applied record: slow and salted, bound to the VM id. */
export function configDigest(configPayload: Buffer, vmId: string, salt: Buffer): Buffer {
  const s = Buffer.concat([Buffer.from(`${CONFIG_DIGEST_LABEL}\n${vmId}\n`), salt]);
  return pbkdf2Sync(configPayload, s, CONFIG_DIGEST_ITERATIONS, 32, 'sha256');
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
  if (
    container.length < 32 ||
    container.subarray(0, 8).toString('latin1') !== 'Salted__' ||
    (container.length - 16) % 16 !== 0
  ) {
    throw new Error('malformed ciphertext container');
  }
  const { key, iv } = cipherParams(encKey, container.subarray(8, 16));
  const decipher = createDecipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([decipher.update(container.subarray(16)), decipher.final()]);
}

export function equalsConstantTime(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
