/**
 * Turns a failed flow into the error the module reports: the step's own error (keeping its stable reason), with
 * what was undone or left behind appended, so nothing half-made is left without saying so.
 */
import { InvalidArgument, isVirtsealError, VirtsealError } from '../core/errors';
import { FlowFailed } from '../core/steps';

export function explainFlowFailure(error: unknown, what: string): unknown {
  if (!(error instanceof FlowFailed)) return error;
  const cause = error.error;
  const base = isVirtsealError(cause) ? cause : undefined;
  const message = cause instanceof Error ? cause.message : String(cause);
  const notes: string[] = [];
  if (error.outcome.undone.length) notes.push(`undone: ${error.outcome.undone.join(', ')}`);
  if (error.outcome.leftBehind.length) notes.push(`left behind: ${error.outcome.leftBehind.join(', ')}`);
  const suffix = notes.length ? ` (${what} failed at '${error.failedStep}'; ${notes.join('; ')})` : '';
  const details = {
    ...base?.details,
    failed_step: error.failedStep,
    undone: error.outcome.undone,
    left_behind: error.outcome.leftBehind,
  };
  // Bad input keeps its kind, so the module still reports the option it names.
  if (base instanceof InvalidArgument)
    return new InvalidArgument(`${message}${suffix}`, base.option, { cause, details });
  return new VirtsealError(base?.reason ?? 'internal_error', `${message}${suffix}`, { cause, details });
}
