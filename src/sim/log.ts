/**
 * The simulator's log: which operation ran on which target and how it ended. Argument values are never recorded
 * (they may be secrets or sealed data); only argument names are.
 */
export interface SimLogEntry {
  readonly seq: number;
  readonly connection: number;
  readonly op: string;
  readonly target: string;
  readonly argNames: readonly string[];
  readonly outcome: 'ok' | 'error' | 'fault';
  readonly message?: string;
}

export class SimLog {
  readonly entries: SimLogEntry[] = [];
  private listeners: ((entry: SimLogEntry) => void)[] = [];

  add(entry: Omit<SimLogEntry, 'seq'>): void {
    const full = { seq: this.entries.length + 1, ...entry };
    this.entries.push(full);
    for (const l of this.listeners) l(full);
  }

  onEntry(listener: (entry: SimLogEntry) => void): void {
    this.listeners.push(listener);
  }

  text(): string {
    return this.entries
      .map((e) => `${e.seq} c${e.connection} ${e.op} ${e.target} ${e.outcome}${e.message ? `: ${e.message}` : ''}`)
      .join('\n');
  }
}
