import { type Clock, systemClock } from '../core/clock';
import type { FollowOutcome, LaunchOutcome, Launcher } from './launcher';
import type { Logger } from './log';
import type { Mapping } from './mapping';
import type { NetboxWriter, JournalKind } from './netbox-writer';
import { FRESHNESS } from './signature';
import type { EventStore, StoredEvent } from './store';

export interface DispatcherOptions {
  readonly store: EventStore;
  readonly launcher: Launcher;
  readonly log: Logger;
  readonly clock?: Clock;
  readonly writer?: NetboxWriter;
  readonly writeBack?: Mapping['write_back'];
  /** Launches in flight at once (different VMs). Default 4. */
  readonly concurrency?: number;
  /** First retry delay; doubles per attempt up to retryMaxMs. Defaults 1 s and 5 min. */
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  /** How often running AWX jobs are polled and the queue re-checked. Default 5 s. */
  readonly pollMs?: number;
  /** Finished events older than this are forgotten (hourly). Default 30 days; long enough for NetBox's retries. */
  readonly retainMs?: number;
}

export function retryDelay(attempts: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, Math.min(30, attempts - 1)));
}

/**
 * Drains the store: claims due events (one per VM at a time, in order), launches them, records the outcome,
 * retries what may succeed later, follows running AWX jobs, and writes the result back to NetBox.
 */
export class Dispatcher {
  private readonly clock: Clock;
  private running = 0;
  private readonly following = new Set<number>();
  private readonly reconciling = new Set<number>();
  private readonly lastReconcile = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private idleWaiters: (() => void)[] = [];
  private lastPrune = 0;

  constructor(private readonly o: DispatcherOptions) {
    this.clock = o.clock ?? systemClock;
  }

  start(): void {
    const uncertain = this.o.store.recoverInFlight(this.clock.now());
    if (uncertain > 0) {
      const how = this.o.launcher.reconcile
        ? `checking ${this.o.launcher.name} for their jobs`
        : 'requeue them after checking';
      this.o.log.log(
        'warn',
        `${uncertain} event(s) were being launched when the bridge stopped: marked uncertain, never relaunched blindly; ${how}`,
      );
    }
    this.stopped = false;
    this.wake();
  }

  /** Called after an insert: look at the queue now rather than at the next poll. */
  wake(): void {
    if (this.stopped) return;
    setImmediate(() => this.tick());
  }

  /** Stop claiming; resolves when launches in flight have been recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.running > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  private tick(): void {
    if (this.stopped) return;
    const now = this.clock.now();
    const free = (this.o.concurrency ?? 4) - this.running;
    if (free > 0) {
      for (const e of this.o.store.claimDue(now, free)) {
        this.running += 1;
        void this.process(e).finally(() => {
          this.running -= 1;
          if (this.running === 0) for (const w of this.idleWaiters.splice(0)) w();
          this.wake();
        });
      }
    }
    if (this.o.launcher.follow) for (const e of this.o.store.launched()) void this.follow(e);
    if (this.o.launcher.reconcile) for (const e of this.o.store.uncertain()) void this.reconcile(e);
    if (now - this.lastPrune >= 3_600_000) {
      this.lastPrune = now;
      // Never forget a request id while its signed timestamp could still pass the freshness check.
      const keep = Math.max(this.o.retainMs ?? 30 * 86_400_000, FRESHNESS.maxAgeMs + FRESHNESS.maxSkewMs);
      const pruned = this.o.store.prune(now - keep);
      if (pruned > 0) this.o.log.log('info', `forgot ${pruned} finished event(s) past retention`);
    }
    this.arm();
  }

  private arm(): void {
    clearTimeout(this.timer);
    const poll = this.o.pollMs ?? 5_000;
    const next = this.o.store.nextDue();
    const delay = next === undefined ? poll : Math.max(0, Math.min(poll, next - this.clock.now()));
    this.timer = setTimeout(() => this.tick(), delay);
    this.timer.unref();
  }

  private async process(e: StoredEvent): Promise<void> {
    const plan = e.plan!;
    let outcome: LaunchOutcome;
    try {
      outcome = await this.o.launcher.launch(plan, e.id);
    } catch (error) {
      outcome = { kind: 'retry', error: `launch error: ${(error as Error).message}` };
    }
    const now = this.clock.now();
    const fields = { event_id: e.id, action: plan.action, vm: plan.vmName, attempt: e.attempts };
    switch (outcome.kind) {
      case 'done':
        this.o.store.markDone(e.id, outcome.summary, now, outcome.jobId);
        this.o.log.log('info', outcome.summary, fields);
        await this.writeBack(e, 'success', outcome.summary);
        break;
      case 'launched':
        this.o.store.markLaunched(e.id, outcome.jobId, now);
        this.o.log.log('info', outcome.summary, { ...fields, job: outcome.jobId });
        break;
      case 'retry': {
        const delay = retryDelay(e.attempts, this.o.retryInitialMs ?? 1_000, this.o.retryMaxMs ?? 300_000);
        this.o.store.markRetry(e.id, now + delay, outcome.error, now);
        this.o.log.log('warn', `${outcome.error}; retry in ${delay} ms`, fields);
        break;
      }
      case 'failed':
        this.o.store.markFailed(e.id, outcome.error, now);
        this.o.log.log('error', outcome.error, fields);
        await this.writeBack(e, 'danger', outcome.error);
        break;
    }
  }

  private async follow(e: StoredEvent): Promise<void> {
    if (this.following.has(e.id) || e.jobId === null || !this.o.launcher.follow) return;
    this.following.add(e.id);
    try {
      const outcome: FollowOutcome = await this.o.launcher.follow(e.jobId);
      const now = this.clock.now();
      if (outcome.kind === 'done') {
        this.o.store.markDone(e.id, outcome.summary, now);
        this.o.log.log('info', outcome.summary, { event_id: e.id, vm: e.vmName });
        await this.writeBack(e, 'success', outcome.summary);
        this.wake();
      } else if (outcome.kind === 'failed') {
        this.o.store.markFailed(e.id, outcome.error, now);
        this.o.log.log('error', outcome.error, { event_id: e.id, vm: e.vmName });
        await this.writeBack(e, 'danger', outcome.error);
        this.wake();
      }
    } finally {
      this.following.delete(e.id);
    }
  }

  private async reconcile(e: StoredEvent): Promise<void> {
    if (this.reconciling.has(e.id) || !e.plan || !this.o.launcher.reconcile) return;
    const last = this.lastReconcile.get(e.id);
    if (last !== undefined && this.clock.now() - last < (this.o.pollMs ?? 5_000)) return;
    this.lastReconcile.set(e.id, this.clock.now());
    this.reconciling.add(e.id);
    try {
      const outcome = await this.o.launcher.reconcile(e.plan, e.claimedAt ?? e.receivedAt, (job) =>
        this.o.store.jobKnown(job),
      );
      const now = this.clock.now();
      const fields = { event_id: e.id, action: e.plan.action, vm: e.plan.vmName };
      if (outcome.kind === 'found') {
        this.o.store.markLaunched(e.id, outcome.jobId, now);
        this.o.log.log('info', `launch interrupted by the restart had reached AWX: job ${outcome.jobId}`, fields);
        this.wake();
      } else if (outcome.kind === 'absent') {
        this.o.store.requeue(e.id, now);
        this.o.log.log('info', 'launch interrupted by the restart never reached AWX: queued again', fields);
        this.wake();
      } else {
        this.o.log.log('warn', `cannot check the interrupted launch yet: ${outcome.error}`, fields);
      }
    } finally {
      this.reconciling.delete(e.id);
    }
  }

  private async writeBack(e: StoredEvent, kind: JournalKind, text: string): Promise<void> {
    const w = this.o.writer;
    if (!w || e.objectId === null || !e.plan) return;
    try {
      if (this.o.writeBack?.journal !== false) {
        await w.journal(
          e.objectType,
          e.objectId,
          kind,
          `virtseal ${e.plan.action} (NetBox request ${e.requestId}): ${text}`,
        );
      }
      const status = this.o.writeBack?.status_on_failure;
      if (kind === 'danger' && status) await w.setVmStatus(e.objectId, status);
    } catch (error) {
      this.o.log.log('warn', `write-back to NetBox failed: ${(error as Error).message}`, { event_id: e.id });
    }
  }
}
