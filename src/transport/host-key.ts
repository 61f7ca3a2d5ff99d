/**
 * Host key checks: a key is accepted when it matches the pinned SHA256 fingerprint or a known_hosts entry for the
 * host; a different key for a known host is a mismatch; an unknown key is refused unless the caller accepts it.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InvalidArgument } from '../core/errors';

/** `SHA256:<base64 without padding>` of the SSH wire-format public key blob, as `ssh-keygen -lf` prints it. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Accepts `SHA256:abc`, `abc`, with or without base64 padding; returns the canonical form. */
export function normalizeFingerprint(value: string): string {
  const trimmed = value.trim();
  const body = trimmed.startsWith('SHA256:') ? trimmed.slice(7) : trimmed;
  if (!/^[A-Za-z0-9+/]{43}=?$/.test(body)) {
    throw new InvalidArgument(
      `host_key_fingerprint must look like SHA256:<43 base64 characters> (ssh-keygen -lf output)`,
      'host_key_fingerprint',
    );
  }
  return `SHA256:${body.replace(/=+$/, '')}`;
}

export type HostKeyVerdict =
  | { readonly kind: 'trusted'; readonly via: 'fingerprint' | 'known_hosts' }
  | { readonly kind: 'mismatch'; readonly expected: string; readonly via: 'fingerprint' | 'known_hosts' }
  | { readonly kind: 'unknown' };

export interface HostKeyPolicy {
  readonly host: string;
  readonly port: number;
  readonly fingerprint?: string;
  readonly knownHostsFile?: string;
}

export function checkHostKey(policy: HostKeyPolicy, keyBlob: Buffer): HostKeyVerdict {
  const actual = fingerprintOf(keyBlob);
  if (policy.fingerprint !== undefined) {
    const expected = normalizeFingerprint(policy.fingerprint);
    return expected === actual
      ? { kind: 'trusted', via: 'fingerprint' }
      : { kind: 'mismatch', expected, via: 'fingerprint' };
  }
  if (policy.knownHostsFile !== undefined) {
    const entries = knownHostsEntriesFor(readKnownHosts(policy.knownHostsFile), policy.host, policy.port);
    if (entries.some((e) => e.marker === 'revoked' && e.key.equals(keyBlob))) {
      return { kind: 'mismatch', expected: 'a key that is not revoked', via: 'known_hosts' };
    }
    const plain = entries.filter((e) => e.marker === undefined);
    if (plain.some((e) => e.key.equals(keyBlob))) return { kind: 'trusted', via: 'known_hosts' };
    if (plain.length > 0) {
      return { kind: 'mismatch', expected: plain.map((e) => fingerprintOf(e.key)).join(' or '), via: 'known_hosts' };
    }
  }
  return { kind: 'unknown' };
}

export interface KnownHostsEntry {
  readonly patterns: string;
  readonly keyType: string;
  readonly key: Buffer;
  readonly marker?: 'revoked' | 'cert-authority';
}

function readKnownHosts(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidArgument(
      `known_hosts_file ${file} cannot be read: ${(error as Error).message}`,
      'known_hosts_file',
      {
        cause: error,
      },
    );
  }
}

export function parseKnownHosts(text: string): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostsEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
      marker = fields.shift() === '@revoked' ? 'revoked' : 'cert-authority';
    }
    const [patterns, keyType, keyText] = fields;
    if (!patterns || !keyType || !keyText) continue;
    entries.push({ patterns, keyType, key: Buffer.from(keyText, 'base64'), ...(marker ? { marker } : {}) });
  }
  return entries;
}

export function knownHostsEntriesFor(text: string, host: string, port: number): KnownHostsEntry[] {
  const name = port === 22 ? host : `[${host}]:${port}`;
  return parseKnownHosts(text).filter((e) => hostMatches(e.patterns, name));
}

function hostMatches(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    if (!salt || !hash) return false;
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
  }
  let matched = false;
  for (const pattern of patterns.split(',')) {
    const negated = pattern.startsWith('!');
    const glob = negated ? pattern.slice(1) : pattern;
    if (globMatch(glob.toLowerCase(), name.toLowerCase())) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function globMatch(glob: string, value: string): boolean {
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(value);
}
