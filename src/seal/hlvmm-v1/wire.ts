/**
 * HLVMM v1 wire format, reproduced exactly for existing HLVMM guest images (NOTES-KVP.md). Deliberately weak;
 * used only with `protocol: hlvmm-v1`. Never reuse any of this in protocol v2.
 */
import { constants, createCipheriv, createHash, createPublicKey, publicEncrypt, type KeyObject } from 'node:crypto';
import { EnvelopeRejected } from '../../core/errors';

export const V1 = {
  hostState: 'hlvmm.meta.host_provisioning_system_state',
  guestState: 'hlvmm.meta.guest_provisioning_system_state',
  version: 'hlvmm.meta.version',
  publicKey: 'hlvmm.meta.guest_provisioning_public_key',
  sharedKey: 'hlvmm.meta.shared_aes_key',
  checksum: 'hlvmm.meta.provisioning_system_checksum',
  dataPrefix: 'hlvmm.data.',
} as const;

export const V1_HOST_WAITING = 'waitingforpublickey';
export const V1_HOST_PUBLISHED = 'provisioningdatapublished';
/** The only state HLVMM's agents (v1.5.400, Linux and Windows) ever write: they report no outcome. */
export const V1_GUEST_READY = 'waitingforaeskey';
/** HLVMM's agents make RSA-2048 keys; anything smaller is refused. */
export const V1_MIN_KEY_BITS = 2048;
/** Values longer than this many characters are split into `<key>._0` … `._29`, each encrypted on its own. */
export const V1_CHUNK_CHARS = 100;
export const V1_MAX_CHUNKS = 30;

/** Reads a guest value that may be chunked as `<key>._0`, `._1`, … (the way HLVMM hosts read them). */
export function readV1Value(items: ReadonlyMap<string, string>, key: string): string | undefined {
  const direct = items.get(key);
  if (direct) return direct;
  let joined = '';
  for (let i = 0; i < V1_MAX_CHUNKS; i++) {
    const part = items.get(`${key}._${i}`);
    if (!part) break;
    joined += part;
  }
  return joined || undefined;
}

/** The guest's RSA public key: Linux sends PKCS#1 RSAPublicKey DER, Windows a CAPI PUBLICKEYBLOB. */
export function parseV1PublicKey(base64: string): KeyObject {
  const key = decodeV1PublicKey(base64);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < V1_MIN_KEY_BITS)
    throw new EnvelopeRejected(
      'public_key',
      `the hlvmm-v1 guest key is ${bits}-bit RSA; at least ${V1_MIN_KEY_BITS} bits are required`,
    );
  return key;
}

function decodeV1PublicKey(base64: string): KeyObject {
  const der = Buffer.from(base64.replace(/\s+/g, ''), 'base64');
  if (der.length > 20 && der[0] === 0x06 && der[1] === 0x02 && der.readUInt32LE(8) === 0x31415352) {
    const bits = der.readUInt32LE(12);
    const exponent = der.readUInt32LE(16);
    const modulusLe = der.subarray(20, 20 + bits / 8);
    if (modulusLe.length !== bits / 8)
      throw new EnvelopeRejected('public_key', 'truncated CAPI PUBLICKEYBLOB from the guest');
    const n = Buffer.from(modulusLe).reverse();
    const e = Buffer.alloc(4);
    e.writeUInt32BE(exponent);
    return createPublicKey({
      key: { kty: 'RSA', n: n.toString('base64url'), e: stripZeros(e).toString('base64url') },
      format: 'jwk',
    });
  }
  try {
    return createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
  } catch {
    throw new EnvelopeRejected('public_key', 'guest public key is neither PKCS#1 DER nor a CAPI PUBLICKEYBLOB');
  }
}

const stripZeros = (b: Buffer): Buffer => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
};

export const wrapV1Key = (key: KeyObject, aesKey: Buffer): Buffer =>
  publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, aesKey);

/** base64(IV16 ‖ AES-256-CBC-PKCS7(UTF-8 text)). */
export function encryptV1Value(aesKey: Buffer, text: string, iv: Buffer): string {
  const cipher = createCipheriv('aes-256-cbc', aesKey, iv);
  return Buffer.concat([iv, cipher.update(text, 'utf8'), cipher.final()]).toString('base64');
}

/** Host items for one data value: direct when ≤ 100 characters, else up to 30 separately encrypted chunks. */
export function v1DataItems(
  key: string,
  value: string,
  aesKey: Buffer,
  random: (n: number) => Buffer,
): [string, string][] {
  if (value.length <= V1_CHUNK_CHARS) return [[key, encryptV1Value(aesKey, value, random(16))]];
  const count = Math.ceil(value.length / V1_CHUNK_CHARS);
  if (count > V1_MAX_CHUNKS) throw new Error(`value of ${key} is longer than hlvmm-v1 can carry (3,000 characters)`);
  const out: [string, string][] = [];
  for (let i = 0; i < count; i++) {
    out.push([
      `${key}._${i}`,
      encryptV1Value(aesKey, value.slice(i * V1_CHUNK_CHARS, (i + 1) * V1_CHUNK_CHARS), random(16)),
    ]);
  }
  return out;
}

/** base64(SHA-256(values sorted by key, joined with "|")): v1's unkeyed digest, published in clear. */
export function v1Checksum(data: ReadonlyMap<string, string>): string {
  const keys = [...data.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256')
    .update(keys.map((k) => data.get(k)!).join('|'), 'utf8')
    .digest('base64');
}
