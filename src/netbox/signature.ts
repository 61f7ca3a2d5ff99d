import { createHmac, timingSafeEqual } from 'node:crypto';

/** NetBox's `X-Hook-Signature`: lowercase hex HMAC-SHA512 of the exact request body bytes, keyed with the secret. */
export const SIGNATURE_HEADER = 'x-hook-signature';

export function signBody(body: Buffer | string, secret: string): string {
  return createHmac('sha512', secret).update(body).digest('hex');
}

export type SignatureCheck = 'ok' | 'missing' | 'bad';

/**
 * Compare in constant time. A header of the wrong length or with non-hex characters is `bad` without comparing,
 * which reveals only what the header itself already shows.
 */
export function checkSignature(body: Buffer, header: string | string[] | undefined, secret: string): SignatureCheck {
  if (header === undefined || header === '' || (Array.isArray(header) && header.length === 0)) return 'missing';
  const given = (Array.isArray(header) ? header[0] : header).trim().toLowerCase();
  if (!/^[0-9a-f]{128}$/.test(given)) return 'bad';
  const expected = createHmac('sha512', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex')) ? 'ok' : 'bad';
}

/**
 * NetBox stamps each webhook when its event rule fires (`timezone.now()` at enqueue) and signs the body, timestamp
 * included. A body older than maxAgeMs is a replay or a webhook queue too far behind; the store remembers request
 * ids for longer than that (Dispatcher keeps finished events at least FRESHNESS.maxAgeMs + maxSkewMs), so every
 * replay is caught by one check or the other.
 */
export const FRESHNESS = { maxAgeMs: 15 * 60_000, maxSkewMs: 2 * 60_000 } as const;

/** A webhook secret must resist guessing: 32 characters or more, and about 128 bits by a simple estimate. */
export const MIN_SECRET_CHARS = 32;
export const MIN_SECRET_BITS = 128;

/**
 * Why a webhook secret is too weak, or undefined. The estimate is length × log2(distinct characters): 32 hex
 * digits pass, as does `openssl rand -base64 32`; a word repeated to length does not.
 */
export function weakSecret(secret: string): string | undefined {
  const chars = [...secret];
  if (chars.length < MIN_SECRET_CHARS)
    return `is ${chars.length} characters; at least ${MIN_SECRET_CHARS} are required (for example \`openssl rand -hex 32\`)`;
  const bits = chars.length * Math.log2(new Set(chars).size);
  if (bits < MIN_SECRET_BITS)
    return `has too few distinct characters (about ${Math.floor(bits)} bits; ${MIN_SECRET_BITS} required): use a random secret such as \`openssl rand -hex 32\``;
  return undefined;
}
