/**
 * Everything that selects and tunes the Xen driver, in one place: the pool master's URL, credentials, how its TLS
 * certificate is pinned, and the pool objects new VMs and images use. Secrets live here only in memory.
 */
import { readFileSync } from 'node:fs';
import { InvalidArgument } from '../../core/errors';

export interface XenSettings {
  /** `https://<pool master>[:port]`; the JSON-RPC endpoint is `<url>/jsonrpc`. */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** PEM of the CA (or the host's own self-signed certificate) the master's certificate must chain to. */
  readonly caPem?: string;
  /** SHA-256 fingerprint of the master's certificate (hex, colons optional). Pins the exact certificate. */
  readonly fingerprint?: string;
  /** Storage repository (name label or uuid) for images and new disks; default the pool's default SR. */
  readonly sr?: string;
  /** `originator` XAPI counts sessions by; default `virtseal`. */
  readonly originator?: string;
  /** Seconds one `event.from` call blocks at most. Default 30. */
  readonly eventTimeoutSeconds?: number;
}

export const DEFAULT_ORIGINATOR = 'virtseal';

export function normalizeFingerprint(value: string, option = 'xapi_fingerprint'): string {
  const hex = value
    .replace(/^sha256[:/]/i, '')
    .replace(/:/g, '')
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex))
    throw new InvalidArgument(`${option} must be a SHA-256 fingerprint (64 hex digits, colons allowed)`, option);
  return hex.match(/../g)!.join(':');
}

/** Validates settings before anything connects; names the option at fault. */
export function checkXenSettings(s: XenSettings): XenSettings {
  let url: URL;
  try {
    url = new URL(s.url);
  } catch {
    throw new InvalidArgument(
      `xapi_url '${s.url.slice(0, 80)}' is not a URL (expected https://<pool master>)`,
      'xapi_url',
    );
  }
  if (url.protocol !== 'https:')
    throw new InvalidArgument('xapi_url must be https:// (XAPI credentials never travel in clear text)', 'xapi_url');
  if (url.username || url.password)
    throw new InvalidArgument('xapi_url must not carry credentials; use user and password', 'xapi_url');
  if (!s.username) throw new InvalidArgument('user is required for a Xen pool', 'user');
  if (!s.password) throw new InvalidArgument('password is required for a Xen pool', 'password');
  if (!s.caPem && !s.fingerprint) {
    throw new InvalidArgument(
      'xapi_ca_file or xapi_fingerprint is required: the pool master certificate must be pinned',
      'xapi_fingerprint',
    );
  }
  return { ...s, ...(s.fingerprint ? { fingerprint: normalizeFingerprint(s.fingerprint) } : {}) };
}

export function readCaFile(path: string): string {
  try {
    const pem = readFileSync(path, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate inside');
    return pem;
  } catch (e) {
    throw new InvalidArgument(
      `xapi_ca_file '${path}' cannot be read as a PEM certificate: ${(e as Error).message}`,
      'xapi_ca_file',
    );
  }
}
