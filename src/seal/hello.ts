/**
 * The guest's two items: the hello (versions, VM id, attempt, nonce, public key in one value, so it is seen
 * whole or not at all) and the status report, authenticated with K_status once the guest holds the session keys.
 */
import { createPublicKey } from 'node:crypto';
import { EnvelopeRejected } from '../core/errors';
import { GUEST_STATES, type GuestState } from './constants';
import { equalsConstantTime, hmacSha256 } from './crypto';

export interface Hello {
  readonly versions: readonly number[];
  readonly vmId: string;
  readonly attempt: string;
  readonly nonce: string;
  readonly publicKey: Buffer;
}

export function formatHello(h: Hello): string {
  return `${h.versions.join(',')} ${h.vmId} ${h.attempt} ${h.nonce} ${h.publicKey.toString('base64')}`;
}

export function parseHello(value: string): Hello {
  const m = /^(\d{1,3}(?:,\d{1,3})*) ([0-9a-f-]{1,64}) ([0-9a-f]{32}) ([0-9a-f]{64}) ([A-Za-z0-9+/]+={0,2})$/.exec(value);
  if (!m) throw new EnvelopeRejected('hello', 'guest hello is not "<versions> <vm-id> <attempt> <nonce> <public-key>"');
  const publicKey = Buffer.from(m[5]!, 'base64');
  try {
    createPublicKey({ key: publicKey, format: 'der', type: 'spki' });
  } catch {
    throw new EnvelopeRejected('hello', 'guest hello carries a public key that is not a DER SubjectPublicKeyInfo');
  }
  return {
    versions: m[1]!.split(',').map(Number),
    vmId: m[2]!,
    attempt: m[3]!,
    nonce: m[4]!,
    publicKey,
  };
}

export interface StatusReport {
  readonly state: GuestState;
  readonly attempt: string;
  /** Stable reason code, `-` when none. */
  readonly reason: string;
  /** True when the report carries a MAC that verified with this session's K_status. */
  readonly authenticated: boolean;
}

export function statusMacInput(vmId: string, attempt: string, state: string, reason: string): string {
  return `virtseal/2 status\n${vmId}\n${attempt}\n${state}\n${reason}\n`;
}

export function formatStatus(vmId: string, attempt: string, state: GuestState, reason: string, statusKey?: Buffer): string {
  const mac = statusKey ? hmacSha256(statusKey, statusMacInput(vmId, attempt, state, reason)).toString('hex') : '-';
  return `${state} ${attempt} ${reason} ${mac}`;
}

/** Parses a status item; a MAC that is present but wrong is a rejection, never "unauthenticated". */
export function parseStatus(value: string, vmId: string, statusKey: Buffer | undefined): StatusReport {
  const m = /^([a-z]+) ([0-9a-f]{32}) ([a-z0-9_.-]{1,64}) ([0-9a-f]{64}|-)$/.exec(value);
  if (!m || !(GUEST_STATES as readonly string[]).includes(m[1]!)) {
    throw new EnvelopeRejected('status', 'guest status is not "<state> <attempt> <reason> <mac>"');
  }
  const [, state, attempt, reason, mac] = m as unknown as [string, GuestState, string, string, string];
  let authenticated = false;
  if (mac !== '-') {
    if (!statusKey) throw new EnvelopeRejected('status_mac', 'guest status carries a MAC but no session key is known');
    const want = hmacSha256(statusKey, statusMacInput(vmId, attempt, state, reason));
    if (!equalsConstantTime(want, Buffer.from(mac, 'hex'))) {
      throw new EnvelopeRejected('status_mac', 'guest status MAC does not verify (forged or from another session)');
    }
    authenticated = true;
  }
  return { state, attempt, reason, authenticated };
}
