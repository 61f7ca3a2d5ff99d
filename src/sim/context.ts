/** What the simulated platform gets: the registry, the host's files, its clock and jobs, and the guests. */
import type { Clock } from '../core/clock';
import type { SimFiles } from './files';
import type { SimJobs } from './jobs';
import type { SimRegistry, SimVm } from './registry';

export interface SimTimings {
  /** Duration of a KVP add/modify/remove job. Default 0. */
  kvpJobMs: number;
  /** Time a cooperative guest needs to shut down. Default 0. */
  guestShutdownMs: number;
}

/** Lifecycle hooks for simulated guests (the guest bridge runs the Linux agent). */
export interface GuestHooks {
  boot(vm: SimVm): void;
  halt(vm: SimVm): void;
  /** Called after host KVP items changed, so pool files can be rewritten. */
  hostItemsChanged(vm: SimVm): void;
  /** Brings guest-written items (pool 1) into the registry before a read. */
  refresh(vm: SimVm): void;
}

export interface SimContext {
  readonly registry: SimRegistry;
  readonly files: SimFiles;
  readonly clock: Clock;
  readonly jobs: SimJobs;
  readonly timings: SimTimings;
  readonly guests: GuestHooks;
}
