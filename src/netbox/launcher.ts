import type { LaunchPlan } from './map-event';

/** Outcome of one launch attempt. `launched` = an AWX job is running and will be followed to its end. */
export type LaunchOutcome =
  | { readonly kind: 'done'; readonly summary: string; readonly jobId?: number }
  | { readonly kind: 'launched'; readonly jobId: number; readonly summary: string }
  | { readonly kind: 'retry'; readonly error: string }
  | { readonly kind: 'failed'; readonly error: string };

export type FollowOutcome =
  | { readonly kind: 'running' }
  | { readonly kind: 'done'; readonly summary: string }
  | { readonly kind: 'failed'; readonly error: string };

export interface Launcher {
  /** Human name of where launches go, for logs ("AWX https://awx.example", "ansible-playbook"). */
  readonly name: string;
  launch(plan: LaunchPlan, eventId: number): Promise<LaunchOutcome>;
  /** Poll a launched job; only launchers that return `launched` implement it. */
  follow?(jobId: number): Promise<FollowOutcome>;
  /**
   * After a crash mid-launch: did the launch happen? `found` = a job for this VM started from this template since
   * `sinceMs` and not attributed to another event (`isKnown`); `absent` = safe to launch; `unknown` = ask later.
   */
  reconcile?(plan: LaunchPlan, sinceMs: number, isKnown: (jobId: number) => boolean): Promise<ReconcileOutcome>;
  /** Release what the launcher keeps (temporary files) when the bridge stops. */
  close?(): Promise<void>;
}

export type ReconcileOutcome =
  | { readonly kind: 'found'; readonly jobId: number }
  | { readonly kind: 'absent' }
  | { readonly kind: 'unknown'; readonly error: string };
