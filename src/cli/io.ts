/** Where CLI commands write. Tests pass a capturing sink; main passes process streams. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

let current: CliIo = processIo;

export function cliIo(): CliIo {
  return current;
}

/** Swaps the sink for the duration of `fn` (one CLI run). */
export async function withIo<T>(io: CliIo, fn: () => Promise<T>): Promise<T> {
  const previous = current;
  current = io;
  try {
    return await fn();
  } finally {
    current = previous;
  }
}
