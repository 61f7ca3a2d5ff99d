/**
 * Real PowerShell for tests: where pwsh is (the simulator's lookup, VIRTSEAL_PWSH included), and how a suite that
 * needs it reacts to its absence. Under CI (`CI=true`) a missing pwsh fails the suite; elsewhere it skips with one
 * line saying how to get pwsh.
 */
import { findPwsh, PWSH_HINT } from '../../src/sim/pwsh';

export { findPwsh, PWSH_HINT };

/** pwsh's path, or: throws under CI, skips the suite elsewhere (call from a `before` hook). */
export function requirePwsh(context: Mocha.Context): string {
  const pwsh = findPwsh();
  if (pwsh) return pwsh;
  if (process.env.CI === 'true') throw new Error(PWSH_HINT);
  console.log(`      skipped: ${PWSH_HINT}`);
  context.skip();
}
