/**
 * Splits an envelope into KVP-sized host items and joins them again. The manifest is written in a batch of its
 * own after every chunk, so a guest that sees the manifest for its attempt can expect all chunks to follow.
 */
import { EnvelopeRejected } from '../core/errors';
import {
  CHUNK_BYTES,
  CHUNK_PREFIX,
  MANIFEST_KEY,
  MAX_CHUNKS,
  MAX_ITEMS_PER_BATCH,
  PROTOCOL_VERSION,
} from './constants';

export type HostItem = readonly [key: string, value: string];

export interface Manifest {
  readonly version: number;
  readonly attempt: string;
  readonly chunks: number;
  readonly bytes: number;
}

export function formatManifest(m: Manifest): string {
  return `${m.version} ${m.attempt} ${m.chunks} ${m.bytes}`;
}

export function parseManifest(value: string): Manifest {
  const m = /^(\d{1,3}) ([0-9a-f]{32}) (\d{1,4}) (\d{1,7})$/.exec(value);
  if (!m) throw new EnvelopeRejected('manifest', 'manifest is not "<version> <attempt> <chunks> <bytes>"');
  const manifest = { version: Number(m[1]), attempt: m[2]!, chunks: Number(m[3]), bytes: Number(m[4]) };
  if (manifest.version !== PROTOCOL_VERSION) {
    throw new EnvelopeRejected(
      'version',
      `manifest version ${manifest.version} is not supported (expected ${PROTOCOL_VERSION})`,
    );
  }
  if (manifest.chunks < 1 || manifest.chunks > MAX_CHUNKS)
    throw new EnvelopeRejected('manifest', 'manifest chunk count out of range');
  return manifest;
}

/** Batches of host items: chunk batches (≤128 each), then the manifest alone. Envelope text is ASCII. */
export function envelopeItems(envelope: string, attempt: string): HostItem[][] {
  const chunks: HostItem[] = [];
  for (let i = 0; i * CHUNK_BYTES < envelope.length; i++) {
    chunks.push([`${CHUNK_PREFIX}${i}`, envelope.slice(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES)]);
  }
  if (chunks.length > MAX_CHUNKS) throw new Error(`envelope needs ${chunks.length} chunks, more than ${MAX_CHUNKS}`);
  const batches: HostItem[][] = [];
  for (let i = 0; i < chunks.length; i += MAX_ITEMS_PER_BATCH) batches.push(chunks.slice(i, i + MAX_ITEMS_PER_BATCH));
  const manifest = formatManifest({
    version: PROTOCOL_VERSION,
    attempt,
    chunks: chunks.length,
    bytes: envelope.length,
  });
  batches.push([[MANIFEST_KEY, manifest]]);
  return batches;
}

/**
 * Joins the chunks named by the manifest. Returns undefined while chunks are still missing (items arrive one at
 * a time); throws when the joined text does not have the announced length.
 */
export function assembleEnvelope(items: ReadonlyMap<string, string>, manifest: Manifest): string | undefined {
  const parts: string[] = [];
  for (let i = 0; i < manifest.chunks; i++) {
    const part = items.get(`${CHUNK_PREFIX}${i}`);
    if (part === undefined) return undefined;
    parts.push(part);
  }
  const text = parts.join('');
  if (text.length !== manifest.bytes) {
    throw new EnvelopeRejected(
      'length',
      `joined chunks are ${text.length} bytes, the manifest announced ${manifest.bytes} (truncated)`,
    );
  }
  return text;
}
