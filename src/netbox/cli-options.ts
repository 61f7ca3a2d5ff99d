import { readFileSync } from 'node:fs';
import { InvalidArgument } from '../core/errors';

/** Secrets are read from the environment or a file, never from the command line (where `ps` shows them). */
export const SECRET_FLAGS = ['webhook-secret', 'awx-token', 'netbox-token'] as const;

export function refuseSecretsOnCommandLine(argv: readonly string[]): void {
  for (const flag of SECRET_FLAGS) {
    if (argv.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`))) {
      const env = `VIRTSEAL_${flag.toUpperCase().replace(/-/g, '_')}`;
      throw new InvalidArgument(
        `--${flag} must not be given on the command line: set ${env} or use --${flag}-file`,
        flag,
      );
    }
  }
}

/** The secret from `--<flag>-file` or VIRTSEAL_<FLAG>; `required` names the option in the message. */
export function readSecret(flag: string, fromEnv: unknown, file: unknown, required: boolean): string | undefined {
  if (typeof file === 'string' && file !== '') {
    try {
      const value = readFileSync(file, 'utf8').trim();
      if (value === '') throw new InvalidArgument(`--${flag}-file: ${file} is empty`, `${flag}-file`);
      return value;
    } catch (error) {
      if (error instanceof InvalidArgument) throw error;
      throw new InvalidArgument(`--${flag}-file: cannot read ${file}: ${(error as Error).message}`, `${flag}-file`);
    }
  }
  if (typeof fromEnv === 'string' && fromEnv !== '') return fromEnv;
  if (required) {
    const env = `VIRTSEAL_${flag.toUpperCase().replace(/-/g, '_')}`;
    throw new InvalidArgument(`--${flag}: set ${env} or --${flag}-file`, flag);
  }
  return undefined;
}

export function positiveInt(value: unknown, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgument(`--${flag} must be a positive integer, got ${String(value)}`, flag);
  return n;
}
