/**
 * The sealed envelope of protocol v3 (docs/protocol.md §4): canonical text, one field per line,
 *
 *   virtseal-envelope 3
 *   vm <vm-id>            attempt <32 hex>        challenge <64 hex>   (session binding, each on its own line)
 *   alg <ALGORITHM>
 *   epk <base64 SPKI of the host's ephemeral P-256 key>
 *   data <base64 "Salted__" ‖ salt ‖ AES-256-CBC(payload)>
 *   mac <hex HMAC-SHA256(K_mac, every byte above)>
 *
 * The keys come from ephemeral-ephemeral ECDH on P-256 with the transcript (the guest's signed hello and the
 * host's ephemeral key) in the KDF, so only the holder of this attempt's key can open it, and nothing recorded
 * today opens it once both ephemeral keys are gone (forward secrecy).
 */
import type { KeyObject } from 'node:crypto';
import { EnvelopeRejected, InvalidArgument } from '../core/errors';
import { ALGORITHM, ENVELOPE_MAGIC } from './constants';
import {
  decryptData,
  deriveSessionKeys,
  ecdh,
  encryptData,
  equalsConstantTime,
  hmacSha256,
  newEphemeralKey,
  p256FromSpki,
  secureRandom,
  spkiOf,
  transcriptHash,
  type RandomSource,
  type SessionKeys,
} from './crypto';
import { envelopeSignatureValid } from './sender';

export interface SessionBinding {
  /** Lower-case VM id (GUID/UUID). */
  readonly vmId: string;
  /** 32 lower-case hex digits chosen by the guest per attempt. */
  readonly attempt: string;
  /** 64 lower-case hex digits chosen by the host per attempt and signed into the hello. */
  readonly challenge: string;
  /** The hello exactly as the guest published it. */
  readonly hello: string;
}

export interface SealOptions extends SessionBinding {
  readonly payload: Buffer;
  /** The guest's key-agreement key from its verified hello. */
  readonly guestKey: KeyObject;
  /** Test vectors only: fixed host ephemeral key and salt. */
  readonly fixed?: { readonly ephemeral: { privateKey: KeyObject; publicKey: KeyObject }; readonly salt: Buffer };
  readonly random?: RandomSource;
}

export interface Sealed {
  readonly envelope: string;
  /** Kept by the host to verify the guest's status reports. */
  readonly keys: SessionKeys;
}

export const normalizeVmId = (id: string): string => id.trim().toLowerCase();

export function sealEnvelope(options: SealOptions): Sealed {
  const random = options.random ?? secureRandom;
  if (!/^[0-9a-f-]{1,64}$/.test(normalizeVmId(options.vmId))) {
    throw new InvalidArgument(`vm id '${options.vmId}' is not a GUID/UUID`, 'vm_id');
  }
  if (!/^[0-9a-f]{32}$/.test(options.attempt) || !/^[0-9a-f]{64}$/.test(options.challenge)) {
    throw new EnvelopeRejected('hello', 'attempt id or challenge is malformed');
  }
  const ephemeral = options.fixed?.ephemeral ?? newEphemeralKey();
  const epk = spkiOf(ephemeral.publicKey).toString('base64');
  const keys = deriveSessionKeys(ecdh(ephemeral.privateKey, options.guestKey), transcriptHash(options.hello, epk));
  const data = encryptData(keys.enc, options.payload, options.fixed?.salt ?? random(8));
  const body = `${[
    ENVELOPE_MAGIC,
    `vm ${normalizeVmId(options.vmId)}`,
    `attempt ${options.attempt}`,
    `challenge ${options.challenge}`,
    `alg ${ALGORITHM}`,
    `epk ${epk}`,
    `data ${data.toString('base64')}`,
  ].join('\n')}\n`;
  const mac = hmacSha256(keys.mac, body).toString('hex');
  return { envelope: `${body}mac ${mac}\n`, keys };
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** An agent's pinned sender key and the signature item it read for this attempt (undefined: none). */
export interface SenderCheck {
  readonly pinned: KeyObject;
  readonly signature: string | undefined;
}

/**
 * Parses, checks the session binding, the sender signature (when a sender key is pinned), derives, verifies the
 * MAC, decrypts. Throws EnvelopeRejected(check).
 */
export function openEnvelope(
  envelope: string,
  guestKexPrivate: KeyObject,
  expected: SessionBinding,
  sender?: SenderCheck,
): { payload: Buffer; keys: SessionKeys } {
  const lines = envelope.split('\n');
  if (lines.length !== 9 || lines[8] !== '' || lines[0] !== ENVELOPE_MAGIC) {
    if (lines[0]?.startsWith('virtseal-envelope ') && lines[0] !== ENVELOPE_MAGIC) {
      throw new EnvelopeRejected('version', `envelope version '${lines[0].slice(18)}' is not supported (expected 3)`);
    }
    throw new EnvelopeRejected('format', 'envelope is not 8 canonical lines starting with "virtseal-envelope 3"');
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
  const challenge = field(3, 'challenge', /^[0-9a-f]{64}$/);
  const alg = field(4, 'alg', /^\S+$/);
  const epk = field(5, 'epk', B64);
  const data = field(6, 'data', B64);
  const mac = field(7, 'mac', /^[0-9a-f]{64}$/);
  if (alg !== ALGORITHM) throw new EnvelopeRejected('algorithm', `envelope algorithm '${alg}' is not ${ALGORITHM}`);
  if (vm !== normalizeVmId(expected.vmId))
    throw new EnvelopeRejected('vm_id', 'envelope is sealed for another VM (foreign data)');
  if (attempt !== expected.attempt)
    throw new EnvelopeRejected('attempt', 'envelope belongs to another attempt (stale or replayed)');
  if (challenge !== expected.challenge)
    throw new EnvelopeRejected('challenge', 'envelope answers another challenge (replayed)');
  if (
    sender &&
    (sender.signature === undefined ||
      !envelopeSignatureValid(expected.hello, envelope, sender.signature, sender.pinned))
  ) {
    throw new EnvelopeRejected(
      'signature',
      sender.signature === undefined
        ? 'envelope is not signed, and this agent has a pinned sender key'
        : 'envelope signature is not by the pinned sender key',
    );
  }
  let z: Buffer;
  try {
    z = ecdh(guestKexPrivate, p256FromSpki(Buffer.from(epk, 'base64'), 'key_agreement', 'the envelope key'));
  } catch {
    throw new EnvelopeRejected('key_agreement', 'the envelope key is not a P-256 point this attempt can agree with');
  }
  const keys = deriveSessionKeys(z, transcriptHash(expected.hello, epk));
  const body = `${lines.slice(0, 7).join('\n')}\n`;
  if (!equalsConstantTime(hmacSha256(keys.mac, body), Buffer.from(mac, 'hex'))) {
    throw new EnvelopeRejected(
      'mac',
      'envelope MAC does not verify (tampered, truncated, reordered or for another hello)',
    );
  }
  try {
    return { payload: decryptData(keys.enc, Buffer.from(data, 'base64')), keys };
  } catch {
    throw new EnvelopeRejected('decrypt', 'authenticated data does not decrypt (sealed by a faulty host)');
  }
}
