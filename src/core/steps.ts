/**
 * A flow is an ordered list of steps, each with `run` and an optional `cleanup`. When a step fails, the cleanups of
 * the steps that completed run in reverse order (unless the caller asked to keep what was made), and the original
 * error is rethrown with the list of what was undone or left behind.
 */
export interface Step<C> {
  readonly name: string;
  run(context: C): Promise<void>;
  cleanup?(context: C): Promise<void>;
}

export interface FlowOutcome {
  readonly completed: readonly string[];
  readonly undone: readonly string[];
  /** Steps whose cleanup failed or was skipped because the caller asked to keep partial work. */
  readonly leftBehind: readonly string[];
}

export class FlowFailed extends Error {
  constructor(
    readonly failedStep: string,
    readonly outcome: FlowOutcome,
    readonly error: unknown,
  ) {
    super(`step '${failedStep}' failed`, { cause: error });
  }
}

export async function runSteps<C>(
  steps: readonly Step<C>[],
  context: C,
  options: { readonly keepOnFailure?: boolean } = {},
): Promise<FlowOutcome> {
  const completed: Step<C>[] = [];
  for (const step of steps) {
    try {
      await step.run(context);
      completed.push(step);
    } catch (error) {
      const undone: string[] = [];
      const leftBehind: string[] = [];
      for (const done of [...completed].reverse()) {
        if (!done.cleanup) continue;
        if (options.keepOnFailure) {
          leftBehind.push(done.name);
          continue;
        }
        try {
          await done.cleanup(context);
          undone.push(done.name);
        } catch {
          leftBehind.push(done.name);
        }
      }
      throw new FlowFailed(step.name, { completed: completed.map((s) => s.name), undone, leftBehind }, error);
    }
  }
  return { completed: completed.map((s) => s.name), undone: [], leftBehind: [] };
}
