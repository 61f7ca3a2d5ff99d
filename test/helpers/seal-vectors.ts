/** Loads the committed protocol v3 test vectors (test/vectors/v3.json) and their test-only keys. */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { GuestConfig } from '../../src/seal/guest-config';

export interface V3Case {
  readonly name: string;
  readonly config: GuestConfig;
  readonly vm_id: string;
  readonly attempt: string;
  readonly challenge: string;
  readonly hello: string;
  readonly epk_spki_base64: string;
  readonly z_hex: string;
  readonly transcript_hash_hex: string;
  readonly salt_hex: string;
  readonly record_salt_hex: string;
  readonly record_digest_hex: string;
  readonly payload_base64: string;
  readonly k_enc_hex: string;
  readonly k_mac_hex: string;
  readonly k_status_hex: string;
  readonly envelope: string;
  readonly status_applied: string;
  readonly status_failed: string;
  readonly applied_record: string;
  /** The `virtseal.signature` item: `<attempt> <base64 DER ECDSA signature>` by the test sender key. */
  readonly sender_signature: string;
  readonly sender_signed_sha256_hex: string;
}

export const VECTORS = JSON.parse(readFileSync('test/vectors/v3.json', 'utf8')) as {
  guest_kex_spki_base64: string;
  guest_sig_spki_base64: string;
  sender_spki_base64: string;
  cases: V3Case[];
};
export const KEY_PATHS = {
  guestKex: 'test/vectors/v3-guest-kex.pem',
  guestSig: 'test/vectors/v3-guest-sig.pem',
  hostEphemeral: 'test/vectors/v3-host-ephemeral.pem',
  sender: 'test/vectors/v3-sender.pem',
} as const;
/** The test sender key's public half (PEM SPKI), as an agent's media pins it. */
export const SENDER_PUBLIC_PEM = 'test/vectors/v3-sender.pub.pem';
export function vectorKey(name: keyof typeof KEY_PATHS): { privateKey: KeyObject; publicKey: KeyObject } {
  const privateKey = createPrivateKey(readFileSync(KEY_PATHS[name], 'utf8'));
  return { privateKey, publicKey: createPublicKey(privateKey) };
}
