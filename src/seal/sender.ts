/**
 * Sender authentication of the sealed exchange (docs/protocol.md §4a): the controller signs every envelope with a
 * long-lived ECDSA P-256 key whose public key is pinned on the agent media, so a party that can write pool 0 and
 * read the hello, but does not hold that key, cannot seal an envelope an agent with a pin accepts.
 *
 *   signed text = "virtseal/3 sender" LF hex(TH) LF envelope      (TH: the transcript hash of docs/protocol.md §3)
 *
 * TH covers the hello as published (challenge, VM id, attempt, both guest keys) and the host's ephemeral key; the
 * envelope covers them again with the ciphertext and its MAC.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { EnvelopeRejected, InvalidArgument } from '../core/errors';
import { SENDER_LABEL } from './constants';
import { transcriptHash } from './crypto';

/** The `epk` line of an envelope (its base64 SPKI), or undefined when the envelope has none. */
const epkOf = (envelope: string): string | undefined => /^epk (\S+)$/m.exec(envelope)?.[1];

/** The exact bytes the sender signature covers. */
export function senderSignedText(hello: string, envelope: string): Buffer {
  const epk = epkOf(envelope);
  if (epk === undefined) throw new EnvelopeRejected('format', 'envelope has no epk line');
  return Buffer.from(`${SENDER_LABEL}\n${transcriptHash(hello, epk).toString('hex')}\n${envelope}`);
}

/** Base64 of the DER ECDSA-P256-SHA256 signature of an envelope sealed for `hello`. */
export function signEnvelope(hello: string, envelope: string, senderKey: KeyObject): string {
  return sign('sha256', senderSignedText(hello, envelope), { key: senderKey, dsaEncoding: 'der' }).toString('base64');
}

/** True when `signature` (base64 DER) is the pinned key's signature of this envelope for this hello. */
export function envelopeSignatureValid(hello: string, envelope: string, signature: string, pinned: KeyObject): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
  try {
    return verify(
      'sha256',
      senderSignedText(hello, envelope),
      { key: pinned, dsaEncoding: 'der' },
      Buffer.from(signature, 'base64'),
    );
  } catch {
    return false;
  }
}

const isP256 = (key: KeyObject): boolean =>
  key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';

/**
 * The controller's sender key from PEM text (PKCS#8 or SEC1 "EC PRIVATE KEY", unencrypted): an ECDSA P-256 private
 * key, or one line naming `option`. The key text is never part of the message.
 */
export function parseSenderKey(pem: string, option: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new InvalidArgument(`${option}: not an unencrypted PEM private key`, option);
  }
  if (!isP256(key)) throw new InvalidArgument(`${option}: the sender key must be an EC P-256 (prime256v1) key`, option);
  return key;
}

/**
 * The PEM SubjectPublicKeyInfo to pin on the agent media (`/etc/virtseal/sender-key.pem`, `sender-key.pem`), from
 * the sender key or its public half.
 */
export function senderPublicKeyPem(key: KeyObject): string {
  const pub = key.type === 'public' ? key : createPublicKey(key);
  return pub.export({ type: 'spki', format: 'pem' }).toString();
}

/** A pinned public key from PEM SPKI text, or one line naming `what`. */
export function parsePinnedSenderKey(pem: string, what: string): KeyObject {
  let key: KeyObject;
  if (!/^-----BEGIN PUBLIC KEY-----$/m.test(pem)) throw new InvalidArgument(`${what}: not a PEM public key`, what);
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new InvalidArgument(`${what}: not a PEM public key`, what);
  }
  if (!isP256(key)) throw new InvalidArgument(`${what}: the pinned sender key must be an EC P-256 key`, what);
  return key;
}
