import type { LaunchPlan } from './map-event';

/**
 * Life of a stored event:
 *   queued ─► dispatching ─► launched (AWX job running, followed) ─► done | failed
 *                        └─► done | failed (local run, or not following AWX jobs)
 *   queued ◄─ (retryable error, with next_attempt_at)
 *   dispatching at startup ─► uncertain: the launch may or may not have reached AWX. Never blindly relaunched
 *   (that could launch twice): AWX launches are reconciled against AWX's job list (found ─► launched/done,
 *   absent ─► queued); local runs stay uncertain, listed by `status`, until the operator requeues them.
 *   ignored / rejected: kept for dedup and audit, never dispatched.
 */
export type EventState =
  | 'queued'
  | 'dispatching'
  | 'launched'
  | 'done'
  | 'failed'
  | 'uncertain'
  | 'ignored'
  | 'rejected';
export const EVENT_STATES: readonly EventState[] = [
  'queued',
  'dispatching',
  'launched',
  'done',
  'failed',
  'uncertain',
  'ignored',
  'rejected',
];

export interface NewEvent {
  /** request_id + event + object type + object id: one bulk edit in NetBox sends one request_id for many VMs. */
  readonly dedupKey: string;
  readonly requestId: string;
  readonly event: string;
  readonly objectType: string;
  readonly objectId: number | null;
  readonly vmName: string | null;
  readonly state: 'queued' | 'ignored' | 'rejected';
  readonly reason: string | null;
  readonly plan: LaunchPlan | null;
}

export interface StoredEvent extends Omit<NewEvent, 'state'> {
  readonly id: number;
  readonly state: EventState;
  readonly action: string | null;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly receivedAt: number;
  readonly updatedAt: number;
  readonly jobId: number | null;
  readonly result: string | null;
  /** When the last launch attempt began: a crash leaves it as the lower bound for reconciliation. */
  readonly claimedAt: number | null;
}

export interface InsertOutcome {
  readonly id: number;
  readonly inserted: boolean;
  readonly state: EventState;
  readonly reason: string | null;
}

/** Storage of received events. The SQLite store is durable; the memory store is the benchmark's baseline. */
export interface EventStore {
  /** Stores the event unless its dedup key is known; durable when this returns. */
  insert(event: NewEvent, now: number): InsertOutcome;
  /** Several inserts in one transaction: one commit (one fsync) for all of them. */
  insertMany(events: readonly NewEvent[], now: number): InsertOutcome[];
  /** Due queued events, oldest first, at most one per VM and none behind an unfinished earlier event of that VM;
   *  moved to `dispatching` with attempts + 1 before they are returned. */
  claimDue(now: number, limit: number): StoredEvent[];
  markLaunched(id: number, jobId: number, now: number): void;
  markDone(id: number, result: string, now: number, jobId?: number): void;
  markRetry(id: number, nextAttemptAt: number, error: string, now: number): void;
  markFailed(id: number, error: string, now: number): void;
  /** Events following a running AWX job. */
  launched(): StoredEvent[];
  /** Events whose launch may or may not have happened, for reconciliation. */
  uncertain(): StoredEvent[];
  /** Whether an AWX job is already attributed to a stored event. */
  jobKnown(jobId: number): boolean;
  /** At startup: `dispatching` left by a crash becomes `uncertain`; returns how many. */
  recoverInFlight(now: number): number;
  /** Operator decision: put a failed or uncertain event back in the queue. */
  requeue(id: number, now: number): boolean;
  /** Forget finished events (done, ignored, rejected) last changed before `before`; returns how many. Queued,
   *  failed and uncertain events are kept whatever their age. */
  prune(before: number): number;
  /** Earliest next_attempt_at among queued events. */
  nextDue(): number | undefined;
  list(options: { readonly state?: EventState; readonly limit: number }): StoredEvent[];
  counts(): Readonly<Record<EventState, number>>;
  close(): void;
}

/** The key that blocks later events of the same VM until earlier ones finish. */
export function vmKey(e: Pick<NewEvent, 'objectType' | 'objectId' | 'vmName'>): string {
  return e.objectId !== null ? `${e.objectType}:${e.objectId}` : `${e.objectType}:name:${e.vmName ?? ''}`;
}

export function dedupKey(requestId: string, event: string, objectType: string, objectId: unknown): string {
  return `${requestId}|${event}|${objectType}|${typeof objectId === 'number' || typeof objectId === 'string' ? objectId : ''}`;
}
