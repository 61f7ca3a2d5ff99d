/**
 * Fault rules switched on per test: when an operation (script name without .ps1, `sftp.write`, `connect`) on a
 * target (VM id or name, path substring; any when absent) matches, the rule fires `count` times (default always):
 * after `delayMs` of simulated time it fails with `error`, crashes PowerShell (CLIXML on stderr, no result), hangs,
 * or drops the SSH connection (for `sftp.write`, once `afterBytes` have been written).
 */
export type FaultKind = 'error' | 'crash' | 'hang' | 'drop';

export interface FaultRule {
  readonly operation: string;
  readonly target?: string;
  readonly count?: number;
  readonly delayMs?: number;
  readonly kind?: FaultKind;
  readonly error?: string;
  readonly afterBytes?: number;
}

interface ActiveRule {
  readonly rule: FaultRule;
  remaining: number;
  fired: number;
}

export class FaultRules {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ rule, remaining: rule.count ?? Number.POSITIVE_INFINITY, fired: 0 });
  }

  clear(): void {
    this.rules = [];
  }

  /** Times each rule fired, in the order they were added. */
  firedCounts(): number[] {
    return this.rules.map((r) => r.fired);
  }

  /** The first live rule matching, consumed; undefined when none. `peek` leaves the count alone. */
  match(
    operation: string,
    targets: readonly string[],
    options: { peek?: boolean; bytes?: number } = {},
  ): FaultRule | undefined {
    for (const active of this.rules) {
      const r = active.rule;
      if (active.remaining <= 0) continue;
      if (r.operation !== '*' && r.operation !== operation) continue;
      if (r.target !== undefined && !targets.some((t) => t === r.target || t.includes(r.target!))) continue;
      if (r.afterBytes !== undefined && (options.bytes ?? 0) < r.afterBytes) continue;
      if (!options.peek) {
        active.remaining -= 1;
        active.fired += 1;
      }
      return r;
    }
    return undefined;
  }
}
