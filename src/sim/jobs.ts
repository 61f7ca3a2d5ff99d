/** Simulated long-running host jobs (KVP changes, shutdowns) that advance only with the injected clock. */
import type { Clock } from '../core/clock';

export interface SimJob {
  readonly id: number;
  readonly kind: string;
  readonly target: string;
  readonly startedAt: number;
  readonly durationMs: number;
  state: 'running' | 'completed';
}

export class SimJobs {
  readonly all: SimJob[] = [];

  constructor(private readonly clock: Clock) {}

  async run(kind: string, target: string, durationMs: number): Promise<SimJob> {
    const job: SimJob = {
      id: this.all.length + 1,
      kind,
      target,
      startedAt: this.clock.now(),
      durationMs,
      state: 'running',
    };
    this.all.push(job);
    if (durationMs > 0) await this.clock.sleep(durationMs);
    job.state = 'completed';
    return job;
  }

  running(): SimJob[] {
    return this.all.filter((j) => j.state === 'running');
  }
}
