import { type Clock, systemClock } from '../core/clock';
import type { EventStore, InsertOutcome, NewEvent } from './store';

/**
 * Group commit: events whose bodies complete in the same turn of the event loop are stored in one transaction,
 * so a burst (a bulk edit in NetBox fires one webhook per VM) pays one fsync instead of one each. Every caller
 * still gets its answer only after the commit that holds its event.
 */
export class GroupCommit {
  private pending: { event: NewEvent; resolve: (o: InsertOutcome) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock = systemClock,
  ) {}

  insert(event: NewEvent): Promise<InsertOutcome> {
    return new Promise((resolve, reject) => {
      this.pending.push({ event, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.pending.splice(0);
    this.scheduled = false;
    try {
      const outcomes = this.store.insertMany(
        batch.map((b) => b.event),
        this.clock.now(),
      );
      for (const [i, b] of batch.entries()) b.resolve(outcomes[i]!);
    } catch (error) {
      for (const b of batch) b.reject(error);
    }
  }
}
