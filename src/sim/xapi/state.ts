/**
 * What the fake XAPI holds: the database, the hosts' xenstore, sessions and their roles, fault rules, and the
 * content hashes of imported VDIs. Method implementations receive a `Call` (the session's user and role) and
 * throw `XapiFailure` with XAPI's error codes and parameters.
 */
import { FaultRules } from '../faults';
import { Db } from './db';
import { FIELDS, NULL_REF } from './model';
import { Xenstore } from './xenstore';

export class XapiFailure extends Error {
  constructor(
    readonly code: string,
    readonly params: readonly string[] = [],
  ) {
    super([code, ...params].join(' '));
  }
}

/** XAPI's RBAC roles, least privileged first. */
export const ROLES = ['read-only', 'vm-operator', 'vm-admin', 'vm-power-admin', 'pool-operator', 'pool-admin'] as const;
export type Role = (typeof ROLES)[number];

export interface SimUser {
  readonly password: string;
  readonly role: Role;
}

export interface SessionInfo {
  readonly user: string;
  readonly role: Role;
  readonly originator: string;
  lastActive: number;
}

export interface Call {
  readonly session: string;
  readonly user: SessionInfo;
  readonly method: string;
  /** Set inside Async.* work: the task to report progress on. */
  readonly task?: string;
}

export interface ImportedVdi {
  readonly sha256: string;
  readonly bytes: number;
}

export interface XapiTimings {
  /** How long an Async task's work takes before it completes (ms). Default 5. */
  readonly taskMs: number;
  /** How long a started plain guest takes to report its IP (ms). Default 50. */
  readonly guestIpMs: number;
  /** How long a guest takes to honour a clean shutdown (ms). Default 30. */
  readonly shutdownMs: number;
}

export class XapiState {
  readonly db = new Db();
  readonly xs = new Xenstore();
  readonly sessions = new Map<string, SessionInfo>();
  readonly faults = new FaultRules();
  readonly imported = new Map<string, ImportedVdi>();
  /** Sessions kept per originator before the oldest are dropped (XAPI: 500). */
  maxSessionsPerOriginator = 500;
  nextDomid = 1;
  /** Calls answered, by method (tests). */
  readonly calls = new Map<string, number>();

  constructor(
    readonly users: ReadonlyMap<string, SimUser>,
    readonly timings: XapiTimings,
  ) {}

  ref(cls: string, ref: unknown): string {
    if (typeof ref !== 'string' || !this.db.has(ref, cls)) throw new XapiFailure('HANDLE_INVALID', [cls, String(ref)]);
    return ref;
  }

  rec<T = Record<string, unknown>>(cls: string, ref: unknown): T {
    return this.db.get(this.ref(cls, ref)) as T;
  }

  /** The host every VM runs on (a one-host pool). */
  get host(): string {
    return this.db.all('host')[0]![0];
  }

  get pool(): string {
    return this.db.all('pool')[0]![0];
  }

  /** Checks a record-typed argument of `<cls>.create` against the data model; fills the rest with defaults. */
  createArgs(cls: string, args: unknown, required: readonly string[]): Record<string, unknown> {
    if (!args || typeof args !== 'object' || Array.isArray(args)) throw new XapiFailure('FIELD_TYPE_ERROR', ['args']);
    const fields = FIELDS.get(cls)!;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(args as Record<string, unknown>)) {
      const f = fields.get(k);
      // XAPI ignores unknown fields of a record argument; read-only runtime fields cannot be set.
      if (!f || (f.qualifier !== 'RW' && f.qualifier !== 'RO/constructor')) continue;
      out[k] = v;
    }
    for (const r of required) if (!(r in out)) throw new XapiFailure('FIELD_TYPE_ERROR', [r]);
    return out;
  }
}

export const isNull = (ref: unknown): boolean => ref === NULL_REF || ref === '' || ref === undefined;
