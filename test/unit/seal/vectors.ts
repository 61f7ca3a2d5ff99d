/** Loads the committed protocol v2 test vectors (test/vectors/v2.json). */
import { readFileSync } from 'node:fs';
import type { GuestConfig } from '../../../src/seal/guest-config';

export interface V2Case {
  readonly name: string;
  readonly config: GuestConfig;
  readonly vm_id: string;
  readonly attempt: string;
  readonly nonce: string;
  readonly master_hex: string;
  readonly salt_hex: string;
  readonly oaep_seed_hex: string;
  readonly payload_base64: string;
  readonly k_enc_hex: string;
  readonly k_mac_hex: string;
  readonly k_status_hex: string;
  readonly envelope: string;
  readonly status_applied: string;
  readonly status_failed: string;
}

export const VECTORS = JSON.parse(readFileSync('test/vectors/v2.json', 'utf8')) as {
  public_key_spki_base64: string;
  cases: V2Case[];
};
export const PRIVATE_KEY_PEM = readFileSync('test/vectors/guest-key.pem', 'utf8');
export const PRIVATE_KEY_PATH = 'test/vectors/guest-key.pem';
