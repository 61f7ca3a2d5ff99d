/**
 * The guest's items: the hello (versions, VM id, attempt, the host's challenge, two fresh P-256 public keys and a
 * signature proving possession, in one value so it is seen whole or not at all), the status report, authenticated
 * with K_status once the guest holds the session keys, and the applied record it leaves behind.
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { EnvelopeRejected } from '../core/errors';
import { agentProtocolMismatchMessage, agentSpeaksHostProtocol } from './agent-media';
import { GUEST_STATES, HELLO_LABEL, INFO_APPLIED, PROTOCOL_VERSION, type GuestState } from './constants';
import { equalsConstantTime, hmacSha256, p256FromSpki, spkiOf } from './crypto';

export interface Hello {
  readonly versions: readonly number[];
  readonly vmId: string;
  readonly attempt: string;
  readonly challenge: string;
  /** ECDH P-256 key of this attempt (SPKI DER). */
  readonly kex: Buffer;
  /** ECDSA P-256 key of this attempt (SPKI DER) whose signature closes the hello. */
  readonly sig: Buffer;
  readonly signature: Buffer;
  /** The item value exactly as published (the transcript hashes it). */
  readonly text: string;
}

/** What the hello signature covers: a label line, then the first six fields as published, then LF. */
export const helloSignedText = (fields: string): string => `${HELLO_LABEL}\n${fields}\n`;

/** Builds and signs a hello (the guest side; used by tests and the vector generator). */
export function formatHello(
  h: { versions: readonly number[]; vmId: string; attempt: string; challenge: string; kex: KeyObject; sig: KeyObject },
  sigPrivateKey: KeyObject,
): string {
  const fields = [
    h.versions.join(','),
    h.vmId,
    h.attempt,
    h.challenge,
    spkiOf(h.kex).toString('base64'),
    spkiOf(h.sig).toString('base64'),
  ].join(' ');
  const signature = sign('sha256', Buffer.from(helloSignedText(fields)), { key: sigPrivateKey, dsaEncoding: 'der' });
  return `${fields} ${signature.toString('base64')}`;
}

const HELLO =
  /^(\d{1,3}(?:,\d{1,3})*) ([0-9a-f-]{1,64}) ([0-9a-f]{32}) ([0-9a-f]{64}) ([A-Za-z0-9+/]+={0,2}) ([A-Za-z0-9+/]+={0,2}) ([A-Za-z0-9+/]+={0,2})$/;

/** Parses a hello; does not check the signature (verifyHello does, once the challenge is known to be current). */
export function parseHello(value: string): Hello {
  const versions = /^(\d{1,3}(?:,\d{1,3})*) /.exec(value)?.[1];
  if (versions && !agentSpeaksHostProtocol(versions.split(',').map(Number), PROTOCOL_VERSION)) {
    throw new EnvelopeRejected(
      'version',
      agentProtocolMismatchMessage(versions.split(',').map(Number), PROTOCOL_VERSION),
    );
  }
  const m = HELLO.exec(value);
  if (!m) {
    throw new EnvelopeRejected(
      'hello',
      'guest hello is not "<versions> <vm-id> <attempt> <challenge> <kex-key> <sig-key> <signature>"',
    );
  }
  return {
    versions: m[1]!.split(',').map(Number),
    vmId: m[2]!,
    attempt: m[3]!,
    challenge: m[4]!,
    kex: Buffer.from(m[5]!, 'base64'),
    sig: Buffer.from(m[6]!, 'base64'),
    signature: Buffer.from(m[7]!, 'base64'),
    text: value,
  };
}

/** Proof of possession: both keys are P-256 and the signature by the sig key covers the whole hello. */
export function verifyHello(hello: Hello): { kex: KeyObject } {
  const kex = p256FromSpki(hello.kex, 'hello', 'the hello key-agreement key');
  const sigKey = p256FromSpki(hello.sig, 'hello', 'the hello signing key');
  const fields = hello.text.slice(0, hello.text.lastIndexOf(' '));
  let ok = false;
  try {
    ok = verify('sha256', Buffer.from(helloSignedText(fields)), { key: sigKey, dsaEncoding: 'der' }, hello.signature);
  } catch {
    ok = false;
  }
  if (!ok)
    throw new EnvelopeRejected('hello_signature', 'the guest hello signature does not verify (no proof of possession)');
  return { kex };
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
  return `virtseal/3 status\n${vmId}\n${attempt}\n${state}\n${reason}\n`;
}

export function formatStatus(
  vmId: string,
  attempt: string,
  state: GuestState,
  reason: string,
  statusKey?: Buffer,
): string {
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

/** The applied record: `<version> <vm-id> <attempt> <salt> <digest> <mac>`; mac under K_status. */
export interface AppliedRecord {
  readonly version: number;
  readonly vmId: string;
  readonly attempt: string;
  readonly salt: string;
  readonly digest: string;
  readonly mac: string;
}

export const appliedMacInput = (r: Omit<AppliedRecord, 'mac' | 'version'>): string =>
  `${INFO_APPLIED}\n${r.vmId}\n${r.attempt}\n${r.salt}\n${r.digest}\n`;

export function formatAppliedRecord(r: Omit<AppliedRecord, 'mac' | 'version'>, statusKey: Buffer): string {
  return `${PROTOCOL_VERSION} ${r.vmId} ${r.attempt} ${r.salt} ${r.digest} ${hmacSha256(statusKey, appliedMacInput(r)).toString('hex')}`;
}

export function parseAppliedRecord(value: string): AppliedRecord | undefined {
  const m = /^(\d{1,3}) ([0-9a-f-]{1,64}) ([0-9a-f]{32}) ([0-9a-f]{32}) ([0-9a-f]{64}) ([0-9a-f]{64})$/.exec(value);
  if (!m) return undefined;
  return { version: Number(m[1]), vmId: m[2]!, attempt: m[3]!, salt: m[4]!, digest: m[5]!, mac: m[6]! };
}

export function appliedRecordMacValid(r: AppliedRecord, statusKey: Buffer): boolean {
  return equalsConstantTime(hmacSha256(statusKey, appliedMacInput(r)), Buffer.from(r.mac, 'hex'));
}
