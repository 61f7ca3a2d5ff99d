/**
 * A progress bar for long copies. On a terminal it redraws one line per host in place (`\r`); elsewhere (a log, a
 * pipe, a CI job) it prints a line at each 10 % step, so logs show progress without thousands of lines.
 */
export interface ProgressSink {
  /** Raw text, no newline added. */
  write(text: string): void;
  /** True when `write` goes to a terminal that honours `\r`. */
  readonly tty: boolean;
}

const MIB = 1024 * 1024;
const WIDTH = 30;

export function formatProgress(label: string, sent: number, total: number, elapsedMs: number): string {
  const fraction = total > 0 ? Math.min(1, sent / total) : 1;
  const filled = Math.round(fraction * WIDTH);
  const rate = elapsedMs > 0 ? sent / MIB / (elapsedMs / 1000) : 0;
  const percent = Math.floor(fraction * 100);
  return (
    `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(percent).padStart(3)}% ` +
    `${(sent / MIB).toFixed(1)}/${(total / MIB).toFixed(1)} MiB ${rate.toFixed(1)} MiB/s`
  );
}

export class ProgressBar {
  private readonly started = new Map<string, number>();
  private readonly lastStep = new Map<string, number>();
  private drawn = false;

  constructor(
    private readonly sink: ProgressSink,
    private readonly now: () => number = Date.now,
  ) {}

  update(label: string, sent: number, total: number): void {
    if (!this.started.has(label)) this.started.set(label, this.now());
    const elapsed = this.now() - this.started.get(label)!;
    const line = formatProgress(label, sent, total, elapsed);
    if (this.sink.tty) {
      this.sink.write(`\r${line}`);
      this.drawn = true;
      return;
    }
    const step = total > 0 ? Math.floor((Math.min(sent, total) / total) * 10) : 10;
    if (this.lastStep.get(label) === step) return;
    this.lastStep.set(label, step);
    this.sink.write(`${line}\n`);
  }

  /** Ends the current terminal line (call before printing anything else). */
  done(): void {
    if (this.drawn) this.sink.write('\n');
    this.drawn = false;
  }
}
