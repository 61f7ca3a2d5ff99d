/**
 * Real PowerShell for tests: where pwsh is, and how a suite that needs it reacts to its absence. Under CI
 * (`CI=true`) a missing pwsh fails the suite; elsewhere it skips with one line saying how to get pwsh.
 */
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export const PWSH_HINT = 'pwsh (PowerShell 7) is not installed: run build/install-deps.sh on a machine with the .NET SDK (it installs pwsh 7.6.10 from NuGet)';

export function findPwsh(): string | undefined {
  const candidates = [
    ...(process.env.PATH ?? '').split(delimiter).filter((d) => d !== '').map((d) => join(d, 'pwsh')),
    '/usr/local/bin/pwsh',
    join(homedir(), '.dotnet/tools/pwsh'),
  ];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

/** pwsh's path, or: throws under CI, skips the suite elsewhere (call from a `before` hook). */
export function requirePwsh(context: Mocha.Context): string {
  const pwsh = findPwsh();
  if (pwsh) return pwsh;
  if (process.env.CI === 'true') throw new Error(PWSH_HINT);
  console.log(`      skipped: ${PWSH_HINT}`);
  context.skip();
}
