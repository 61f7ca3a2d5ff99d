/**
 * Wire constants of the sealed exchange, protocol version 2 (docs/protocol.md). Changing any of these breaks
 * deployed guests: add a version instead.
 */
export const PROTOCOL_VERSION = 2;
/** Versions this host side can speak, best first. */
export const SUPPORTED_VERSIONS: readonly number[] = [2];

export const KEY_PREFIX = 'virtseal.';
/** Guest → host: `<versions> <vm-id> <attempt> <nonce> <spki-base64>` in one item (atomic). */
export const HELLO_KEY = 'virtseal.hello';
/** Guest → host: `<state> <attempt> <reason|-> <mac|->`. */
export const STATUS_KEY = 'virtseal.status';
/** Guest → host, left in place after success (no secret): `<attempt>`; lets a later run see "already applied". */
export const APPLIED_KEY = 'virtseal.applied';
/** Host → guest: `<version> <attempt> <chunk-count> <envelope-bytes>`, written after every chunk. */
export const MANIFEST_KEY = 'virtseal.manifest';
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

export const RSA_BITS = 3072;
export const ENVELOPE_MAGIC = 'virtseal-envelope 2';
export const PAYLOAD_MAGIC = 'virtseal-payload 2';
export const ALGORITHM = 'RSA-OAEP-SHA256/HKDF-SHA256/AES-256-CBC-PBKDF2/HMAC-SHA256';
/** HKDF-Expand info labels; each yields one 32-byte key. */
export const INFO_ENC = 'virtseal/2 enc';
export const INFO_MAC = 'virtseal/2 mac';
export const INFO_STATUS = 'virtseal/2 status';
/** `openssl enc -pbkdf2 -iter 1 -md sha256` turns the hex of K_enc into the AES key and IV. */
export const PBKDF2_ITERATIONS = 1;

export const GUEST_STATES = ['applying', 'applied', 'failed'] as const;
export type GuestState = (typeof GUEST_STATES)[number];
