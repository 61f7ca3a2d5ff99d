import {
  type EventState,
  type EventStore,
  EVENT_STATES,
  type InsertOutcome,
  type NewEvent,
  type StoredEvent,
  vmKey,
} from './store';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Same contract as the SQLite store, kept in memory: nothing survives a restart. The benchmark's baseline. */
export class MemoryEventStore implements EventStore {
  private readonly events: Mutable<StoredEvent>[] = [];
  private readonly byKey = new Map<string, Mutable<StoredEvent>>();

  insert(e: NewEvent, now: number): InsertOutcome {
    const known = this.byKey.get(e.dedupKey);
    if (known) return { id: known.id, inserted: false, state: known.state, reason: known.reason };
    const stored: Mutable<StoredEvent> = {
      ...e,
      id: this.events.length + 1,
      action: e.plan?.action ?? null,
      attempts: 0,
      nextAttemptAt: now,
      receivedAt: now,
      updatedAt: now,
      jobId: null,
      result: null,
      claimedAt: null,
    };
    this.events.push(stored);
    this.byKey.set(e.dedupKey, stored);
    return { id: stored.id, inserted: true, state: stored.state, reason: stored.reason };
  }

  insertMany(events: readonly NewEvent[], now: number): InsertOutcome[] {
    return events.map((e) => this.insert(e, now));
  }

  claimDue(now: number, limit: number): StoredEvent[] {
    const blocked = new Set<string>();
    const out: StoredEvent[] = [];
    for (const e of this.events) {
      const key = vmKey(e);
      const due = e.state === 'queued' && e.nextAttemptAt <= now && !blocked.has(key);
      if (['queued', 'dispatching', 'launched', 'uncertain'].includes(e.state)) blocked.add(key);
      if (due && out.length < limit) {
        e.state = 'dispatching';
        e.attempts += 1;
        e.updatedAt = now;
        e.claimedAt = now;
        out.push({ ...e });
      }
    }
    return out;
  }

  private set(id: number, patch: Partial<Mutable<StoredEvent>>): void {
    const e = this.events[id - 1];
    if (e) Object.assign(e, patch);
  }
  markLaunched(id: number, jobId: number, now: number): void {
    this.set(id, { state: 'launched', jobId, updatedAt: now });
  }
  markDone(id: number, result: string, now: number, jobId?: number): void {
    this.set(id, { state: 'done', result, reason: null, updatedAt: now, ...(jobId === undefined ? {} : { jobId }) });
  }
  uncertain(): StoredEvent[] {
    return this.events.filter((e) => e.state === 'uncertain').map((e) => ({ ...e }));
  }
  jobKnown(jobId: number): boolean {
    return this.events.some((e) => e.jobId === jobId);
  }
  markRetry(id: number, nextAttemptAt: number, error: string, now: number): void {
    this.set(id, { state: 'queued', nextAttemptAt, reason: error, updatedAt: now });
  }
  markFailed(id: number, error: string, now: number): void {
    this.set(id, { state: 'failed', reason: error, updatedAt: now });
  }
  launched(): StoredEvent[] {
    return this.events.filter((e) => e.state === 'launched').map((e) => ({ ...e }));
  }
  recoverInFlight(): number {
    return 0;
  }
  requeue(id: number, now: number): boolean {
    const e = this.events[id - 1];
    if (!e || (e.state !== 'failed' && e.state !== 'uncertain')) return false;
    Object.assign(e, { state: 'queued', nextAttemptAt: now, updatedAt: now });
    return true;
  }
  prune(): number {
    return 0; // ids are array positions here; the benchmark baseline never runs long enough to need it
  }
  nextDue(): number | undefined {
    let min: number | undefined;
    for (const e of this.events)
      if (e.state === 'queued' && (min === undefined || e.nextAttemptAt < min)) min = e.nextAttemptAt;
    return min;
  }
  list(options: { readonly state?: EventState; readonly limit: number }): StoredEvent[] {
    return this.events
      .filter((e) => !options.state || e.state === options.state)
      .slice(-options.limit)
      .reverse();
  }
  counts(): Readonly<Record<EventState, number>> {
    const out = Object.fromEntries(EVENT_STATES.map((s) => [s, 0])) as Record<EventState, number>;
    for (const e of this.events) out[e.state] += 1;
    return out;
  }
  close(): void {}
}
