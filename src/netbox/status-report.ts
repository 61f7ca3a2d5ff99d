import type { EventState, StoredEvent } from './store';

/** `virtseal netbox status` output: counts per state, then the most recent events, newest first. */
export function formatStatus(
  counts: Readonly<Record<EventState, number>>,
  events: readonly StoredEvent[],
  json: boolean,
): string {
  if (json) {
    const rows = events.map((e) => ({
      id: e.id,
      state: e.state,
      event: e.event,
      action: e.action,
      vm: e.vmName,
      request_id: e.requestId,
      attempts: e.attempts,
      job: e.jobId,
      reason: e.reason,
      result: e.result,
      received_at: new Date(e.receivedAt).toISOString(),
      updated_at: new Date(e.updatedAt).toISOString(),
    }));
    return `${JSON.stringify({ counts, events: rows }, null, 2)}\n`;
  }
  const summary =
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ') || 'no events';
  const lines = [summary];
  for (const e of events) {
    const what = `${e.action ?? '-'} ${e.vmName ?? '?'}`;
    const note = e.state === 'done' ? (e.result ?? '') : (e.reason ?? '');
    lines.push(
      `#${e.id}  ${e.state.padEnd(11)} ${e.event.padEnd(8)} ${what.padEnd(28)} attempts ${e.attempts}  ${new Date(e.updatedAt).toISOString()}  ${note}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
