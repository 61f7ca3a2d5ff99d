/**
 * Wire constants of the sealed exchange, protocol version 3 (docs/protocol.md). Changing any of these breaks
 * deployed guests: add a version instead.
 */
export const PROTOCOL_VERSION = 3;

export const KEY_PREFIX = 'virtseal.';
/** Host → guest: `<version> <challenge>`, fresh for every attempt (written at start and again after each seal). */
export const CHALLENGE_KEY = 'virtseal.challenge';
/**
 * Guest → host, one item (atomic): `<versions> <vm-id> <attempt> <challenge> <kex-spki> <sig-spki> <signature>`;
 * the signature (ECDSA P-256, DER) by the sig key proves possession and binds the host's challenge.
 */
export const HELLO_KEY = 'virtseal.hello';
/** Guest → host: `<state> <attempt> <reason|-> <mac|->`. */
export const STATUS_KEY = 'virtseal.status';
/**
 * Guest → host, left in place after success (no secret):
 * `<version> <vm-id> <attempt> <salt> <config-digest> <mac>`, written before `applied` and checked by the host.
 */
export const APPLIED_KEY = 'virtseal.applied';
/** Host → guest: `<version> <attempt> <chunk-count> <envelope-bytes>`, written after every chunk. */
export const MANIFEST_KEY = 'virtseal.manifest';
/**
 * Host → guest: `<attempt> <signature>`, base64 of the DER ECDSA-P256-SHA256 signature by the controller's sender
 * key over the transcript hash and the envelope (docs/protocol.md §4a). Written with the chunks, before the
 * manifest; an agent with a pinned sender key opens nothing without it.
 */
export const SIGNATURE_KEY = 'virtseal.signature';
/** Host → guest: envelope chunk i is `virtseal.chunk.<i>` (decimal, no padding). */
export const CHUNK_PREFIX = 'virtseal.chunk.';

/** Bytes of envelope text per chunk: below the ~1,023-byte host→guest value limit with room to spare. */
export const CHUNK_BYTES = 960;
/** At most this many items per write call (Msvm_VirtualSystemManagementService limit). */
export const MAX_ITEMS_PER_BATCH = 128;
/** Upper bound on chunks of one envelope (about 240 KB of envelope text). */
export const MAX_CHUNKS = 256;

/** Largest canonical payload one envelope carries within MAX_CHUNKS chunks. */
export const MAX_PAYLOAD_BYTES = 176 * 1024;

export const ENVELOPE_MAGIC = 'virtseal-envelope 3';
export const PAYLOAD_MAGIC = 'virtseal-payload 3';
export const ALGORITHM = 'ECDH-P256/SHA256-KDF/AES-256-CBC-PBKDF2/HMAC-SHA256';
/** Text the hello signature covers starts with this line. */
export const HELLO_LABEL = 'virtseal/3 hello';
/** The transcript hash (KDF append) is SHA-256 over this line, the hello value and the host's ephemeral key. */
export const TRANSCRIPT_LABEL = 'virtseal/3 transcript';
/** Text the sender signature covers starts with this line (then the transcript hash in hex, then the envelope). */
export const SENDER_LABEL = 'virtseal/3 sender';
/** KDF prepends: K = SHA-256(label ‖ LF ‖ Z ‖ transcript hash), one 32-byte key each. */
export const INFO_ENC = 'virtseal/3 enc';
export const INFO_MAC = 'virtseal/3 mac';
export const INFO_STATUS = 'virtseal/3 status';
export const INFO_APPLIED = 'virtseal/3 applied';
/** Config digest of the applied record: PBKDF2-HMAC-SHA256(payload, label ‖ vm-id ‖ salt, this many rounds). */
export const CONFIG_DIGEST_LABEL = 'virtseal/3 config';
export const CONFIG_DIGEST_ITERATIONS = 100_000;
/** `openssl enc -pbkdf2 -iter 1 -md sha256` turns the hex of K_enc into the AES key and IV. */
export const PBKDF2_ITERATIONS = 1;
/** Distinct envelopes for one attempt that may fail verification before the guest gives up (`envelope_mac_limit`). */
export const MAX_BAD_ENVELOPES = 3;

export const GUEST_STATES = ['applying', 'applied', 'failed'] as const;
export type GuestState = (typeof GUEST_STATES)[number];
