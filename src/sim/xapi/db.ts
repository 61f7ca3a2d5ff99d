/**
 * The fake XAPI's database: one table of records per class keyed by opaque reference, and a generation counter
 * that every create, modify and destroy advances, as in XAPI's Db_cache. `event.from` reads the rows (and the
 * tombstones of destroyed rows) changed after a token's generation; waiters are woken on every change.
 */
import { randomUUID } from 'node:crypto';
import { CLASS_BY_LOWER, newRecord } from './model';

interface Row {
  readonly cls: string;
  readonly ref: string;
  record: Record<string, unknown>;
  created: number;
  modified: number;
}

interface Tombstone {
  readonly cls: string;
  readonly ref: string;
  readonly created: number;
  readonly deleted: number;
}

export interface DbEvent {
  readonly id: number;
  readonly timestamp: string;
  readonly class: string;
  readonly operation: 'add' | 'mod' | 'del';
  readonly ref: string;
  readonly snapshot?: Record<string, unknown>;
}

export type Subscription =
  | { readonly kind: 'all' }
  | { readonly kind: 'class'; readonly cls: string }
  | { readonly kind: 'object'; readonly cls: string; readonly ref: string };

export function parseSubscription(s: string): Subscription {
  if (s === '*') return { kind: 'all' };
  const slash = s.indexOf('/');
  const cls = CLASS_BY_LOWER.get((slash < 0 ? s : s.slice(0, slash)).toLowerCase()) ?? s.toLowerCase();
  return slash < 0 ? { kind: 'class', cls } : { kind: 'object', cls, ref: s.slice(slash + 1) };
}

const matches = (subs: readonly Subscription[], cls: string, ref: string): boolean =>
  subs.some((s) => s.kind === 'all' || (s.cls === cls && (s.kind === 'class' || s.ref === ref)));

export const xapiTime = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/[-]/g, '')
    .replace(/\.\d+Z$/, 'Z');

export class Db {
  private readonly rows = new Map<string, Row>();
  private tombstones: Tombstone[] = [];
  private generation = 1;
  private waiters = new Set<() => void>();
  /** Event log for the legacy event.register / event.next API. */
  readonly log: DbEvent[] = [];
  /** Oldest event id dropped from `log` (event.next raises EVENTS_LOST for a reader older than this). */
  highestForgotten = 0;

  constructor(
    private readonly now: () => number = Date.now,
    /** How many events the legacy queue keeps (XAPI's max_stored_events). */
    readonly maxStoredEvents = 500,
  ) {}

  get currentGeneration(): number {
    return this.generation;
  }

  static newRef(): string {
    return `OpaqueRef:${randomUUID()}`;
  }

  create(cls: string, values: Readonly<Record<string, unknown>>, ref = Db.newRef()): string {
    const record = newRecord(cls, { ...('uuid' in values || !hasUuid(cls) ? {} : { uuid: randomUUID() }), ...values });
    const g = this.bump();
    this.rows.set(ref, { cls, ref, record, created: g, modified: g });
    this.record('add', cls, ref, record);
    return ref;
  }

  has(ref: string, cls?: string): boolean {
    const row = this.rows.get(ref);
    return row !== undefined && (cls === undefined || row.cls === cls);
  }

  classOf(ref: string): string | undefined {
    return this.rows.get(ref)?.cls;
  }

  /** The live record (mutate only through `update`). */
  get(ref: string): Readonly<Record<string, unknown>> | undefined {
    return this.rows.get(ref)?.record;
  }

  update(ref: string, change: Readonly<Record<string, unknown>>): void {
    const row = this.rows.get(ref);
    if (!row) throw new Error(`no row ${ref}`);
    row.record = { ...row.record, ...change };
    row.modified = this.bump();
    this.record('mod', row.cls, ref, row.record);
  }

  /** Advances the row's generation without changing it (event.inject). */
  touch(ref: string): number {
    const row = this.rows.get(ref)!;
    const g = this.bump();
    row.modified = g;
    this.record('mod', row.cls, ref, row.record);
    return g;
  }

  destroy(ref: string): void {
    const row = this.rows.get(ref);
    if (!row) return;
    this.rows.delete(ref);
    const g = this.bump();
    this.tombstones.push({ cls: row.cls, ref, created: row.created, deleted: g });
    if (this.tombstones.length > 10_000) this.tombstones = this.tombstones.slice(-5_000);
    this.record('del', row.cls, ref, undefined);
  }

  all(cls: string): [string, Readonly<Record<string, unknown>>][] {
    return [...this.rows.values()].filter((r) => r.cls === cls).map((r) => [r.ref, r.record]);
  }

  find(cls: string, pred: (rec: Readonly<Record<string, unknown>>) => boolean): string[] {
    return this.all(cls)
      .filter(([, r]) => pred(r))
      .map(([ref]) => ref);
  }

  /** What event.from returns for a token's generation: adds, mods and dels after it, in generation order. */
  changesSince(subs: readonly Subscription[], since: number): DbEvent[] {
    const out: (DbEvent & { g: number })[] = [];
    for (const row of this.rows.values()) {
      if (!matches(subs, row.cls, row.ref)) continue;
      if (row.created > since) out.push({ ...this.ev('add', row.cls, row.ref, row.record), g: row.created });
      else if (row.modified > since) out.push({ ...this.ev('mod', row.cls, row.ref, row.record), g: row.modified });
    }
    for (const t of this.tombstones) {
      if (t.deleted > since && t.created <= since && matches(subs, t.cls, t.ref))
        out.push({ ...this.ev('del', t.cls, t.ref, undefined), g: t.deleted });
    }
    return out.sort((a, b) => a.g - b.g).map(({ g: _g, ...e }) => e);
  }

  /** Resolves at the next change, or after `ms`. */
  nextChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  /** Ends every pending wait (the server is stopping). */
  wakeAll(): void {
    for (const w of [...this.waiters]) w();
  }

  private bump(): number {
    this.generation += 1;
    return this.generation;
  }

  private ev(
    operation: DbEvent['operation'],
    cls: string,
    ref: string,
    snapshot: Record<string, unknown> | undefined,
  ): DbEvent {
    return {
      id: this.generation,
      timestamp: xapiTime(this.now()),
      class: cls.toLowerCase(),
      operation,
      ref,
      ...(snapshot ? { snapshot: { ...snapshot } } : {}),
    };
  }

  private record(
    operation: DbEvent['operation'],
    cls: string,
    ref: string,
    snapshot: Record<string, unknown> | undefined,
  ): void {
    this.log.push(this.ev(operation, cls, ref, snapshot));
    while (this.log.length > this.maxStoredEvents) this.highestForgotten = this.log.shift()!.id;
    for (const w of [...this.waiters]) w();
  }
}

const hasUuid = (cls: string): boolean => cls !== 'event';
