import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import {
  type EventState,
  type EventStore,
  EVENT_STATES,
  type InsertOutcome,
  type NewEvent,
  type StoredEvent,
  vmKey,
} from './store';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  dedup_key TEXT NOT NULL UNIQUE,
  request_id TEXT NOT NULL,
  event TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id INTEGER,
  vm_key TEXT NOT NULL,
  vm_name TEXT,
  action TEXT,
  state TEXT NOT NULL,
  reason TEXT,
  plan TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  job_id INTEGER,
  result TEXT,
  claimed_at INTEGER
);
CREATE INDEX IF NOT EXISTS events_due ON events(state, next_attempt_at);
CREATE INDEX IF NOT EXISTS events_vm ON events(vm_key, id);
`;

type Row = Record<string, unknown>;

function toEvent(r: Row): StoredEvent {
  return {
    id: r.id as number,
    dedupKey: r.dedup_key as string,
    requestId: r.request_id as string,
    event: r.event as string,
    objectType: r.object_type as string,
    objectId: (r.object_id as number | null) ?? null,
    vmName: (r.vm_name as string | null) ?? null,
    action: (r.action as string | null) ?? null,
    state: r.state as EventState,
    reason: (r.reason as string | null) ?? null,
    plan: r.plan ? JSON.parse(r.plan as string) : null,
    attempts: r.attempts as number,
    nextAttemptAt: r.next_attempt_at as number,
    receivedAt: r.received_at as number,
    updatedAt: r.updated_at as number,
    jobId: (r.job_id as number | null) ?? null,
    result: (r.result as string | null) ?? null,
    claimedAt: (r.claimed_at as number | null) ?? null,
  };
}

/**
 * SQLite in WAL mode with synchronous=FULL: a commit is on disk when `insert` returns, so the 2xx answer that
 * follows it never covers an event a power cut could lose.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly stmts;

  /** `mustExist`: for the status and requeue commands, which must not create an empty queue by mistake. */
  constructor(path: string, options: { readonly mustExist?: boolean } = {}) {
    // The queue holds every survey answer taken from NetBox: owner-only, whatever the umask. SQLite gives the -wal
    // and -shm files the database file's mode; existing files from older versions are tightened too.
    if (options.mustExist !== true && path !== ':memory:' && !existsSync(path)) closeSync(openSync(path, 'a', 0o600));
    for (const f of [path, `${path}-wal`, `${path}-shm`]) if (path !== ':memory:' && existsSync(f)) chmodSync(f, 0o600);
    this.db = new Database(path, { fileMustExist: options.mustExist === true });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    const db = this.db;
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO events (dedup_key, request_id, event, object_type, object_id, vm_key, vm_name, action, state, reason, plan,
           next_attempt_at, received_at, updated_at)
         VALUES (@dedupKey, @requestId, @event, @objectType, @objectId, @vmKey, @vmName, @action, @state, @reason, @plan, @now, @now, @now)
         ON CONFLICT(dedup_key) DO NOTHING`,
      ),
      byKey: db.prepare('SELECT id, state, reason FROM events WHERE dedup_key = ?'),
      due: db.prepare(
        `SELECT * FROM events e WHERE e.state = 'queued' AND e.next_attempt_at <= ?
           AND NOT EXISTS (SELECT 1 FROM events o WHERE o.vm_key = e.vm_key AND o.id < e.id
                           AND o.state IN ('queued', 'dispatching', 'launched', 'uncertain'))
         ORDER BY e.id LIMIT ?`,
      ),
      claim: db.prepare(
        `UPDATE events SET state = 'dispatching', attempts = attempts + 1, updated_at = @now, claimed_at = @now WHERE id = @id AND state = 'queued'`,
      ),
      launched: db.prepare(`UPDATE events SET state = 'launched', job_id = ?, updated_at = ? WHERE id = ?`),
      done: db.prepare(
        `UPDATE events SET state = 'done', result = ?, reason = NULL, updated_at = ?, job_id = COALESCE(?, job_id) WHERE id = ?`,
      ),
      uncertain: db.prepare(`SELECT * FROM events WHERE state = 'uncertain' ORDER BY id`),
      jobKnown: db.prepare(`SELECT 1 FROM events WHERE job_id = ? LIMIT 1`),
      retry: db.prepare(
        `UPDATE events SET state = 'queued', next_attempt_at = ?, reason = ?, updated_at = ? WHERE id = ?`,
      ),
      failed: db.prepare(`UPDATE events SET state = 'failed', reason = ?, updated_at = ? WHERE id = ?`),
      listLaunched: db.prepare(`SELECT * FROM events WHERE state = 'launched' ORDER BY id`),
      recover: db.prepare(
        `UPDATE events SET state = 'uncertain', updated_at = ?,
           reason = 'the bridge stopped while launching; the launch may have happened: check, then requeue or leave'
         WHERE state = 'dispatching'`,
      ),
      requeue: db.prepare(
        `UPDATE events SET state = 'queued', next_attempt_at = ?, updated_at = ? WHERE id = ? AND state IN ('failed', 'uncertain')`,
      ),
      prune: db.prepare(`DELETE FROM events WHERE state IN ('done', 'ignored', 'rejected') AND updated_at < ?`),
      nextDue: db.prepare(`SELECT MIN(next_attempt_at) AS t FROM events WHERE state = 'queued'`),
      counts: db.prepare(`SELECT state, COUNT(*) AS n FROM events GROUP BY state`),
    };
  }

  insert(e: NewEvent, now: number): InsertOutcome {
    const info = this.stmts.insert.run({
      ...e,
      vmKey: vmKey(e),
      action: e.plan?.action ?? null,
      plan: e.plan ? JSON.stringify(e.plan) : null,
      now,
    });
    if (info.changes === 1)
      return { id: Number(info.lastInsertRowid), inserted: true, state: e.state, reason: e.reason };
    const row = this.stmts.byKey.get(e.dedupKey) as Row;
    return {
      id: row.id as number,
      inserted: false,
      state: row.state as EventState,
      reason: (row.reason as string | null) ?? null,
    };
  }

  insertMany(events: readonly NewEvent[], now: number): InsertOutcome[] {
    return this.db.transaction(() => events.map((e) => this.insert(e, now)))();
  }

  claimDue(now: number, limit: number): StoredEvent[] {
    return this.db.transaction(() => {
      const rows = (this.stmts.due.all(now, limit) as Row[]).map(toEvent);
      for (const r of rows) this.stmts.claim.run({ now, id: r.id });
      return rows.map((r) => ({ ...r, state: 'dispatching' as const, attempts: r.attempts + 1, claimedAt: now }));
    })();
  }

  markLaunched(id: number, jobId: number, now: number): void {
    this.stmts.launched.run(jobId, now, id);
  }
  markDone(id: number, result: string, now: number, jobId?: number): void {
    this.stmts.done.run(result, now, jobId ?? null, id);
  }
  uncertain(): StoredEvent[] {
    return (this.stmts.uncertain.all() as Row[]).map(toEvent);
  }
  jobKnown(jobId: number): boolean {
    return this.stmts.jobKnown.get(jobId) !== undefined;
  }
  markRetry(id: number, nextAttemptAt: number, error: string, now: number): void {
    this.stmts.retry.run(nextAttemptAt, error, now, id);
  }
  markFailed(id: number, error: string, now: number): void {
    this.stmts.failed.run(error, now, id);
  }
  launched(): StoredEvent[] {
    return (this.stmts.listLaunched.all() as Row[]).map(toEvent);
  }
  recoverInFlight(now: number): number {
    return this.stmts.recover.run(now).changes;
  }
  requeue(id: number, now: number): boolean {
    return this.stmts.requeue.run(now, now, id).changes === 1;
  }
  prune(before: number): number {
    return this.stmts.prune.run(before).changes;
  }
  nextDue(): number | undefined {
    const row = this.stmts.nextDue.get() as { t: number | null };
    return row.t ?? undefined;
  }
  list(options: { readonly state?: EventState; readonly limit: number }): StoredEvent[] {
    const rows = options.state
      ? this.db
          .prepare('SELECT * FROM events WHERE state = ? ORDER BY id DESC LIMIT ?')
          .all(options.state, options.limit)
      : this.db.prepare('SELECT * FROM events ORDER BY id DESC LIMIT ?').all(options.limit);
    return (rows as Row[]).map(toEvent);
  }
  counts(): Readonly<Record<EventState, number>> {
    const out = Object.fromEntries(EVENT_STATES.map((s) => [s, 0])) as Record<EventState, number>;
    for (const r of this.stmts.counts.all() as { state: EventState; n: number }[]) out[r.state] = r.n;
    return out;
  }
  close(): void {
    this.db.close();
  }
}
