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
