/**
 * Mocha root hook: the suites that start the Hyper-V simulator run the host scripts in real pwsh. Without pwsh they
 * are skipped with one line saying how to get it; under CI (CI=true) a missing pwsh fails the run instead.
 */
import { readFileSync } from 'node:fs';
import { findPwsh, PWSH_HINT } from '../../src/sim/pwsh';

const NEEDS_PWSH =
  /sim-fixture|standard-sim|sim\/server|sim-session|sim\/pwsh|collection\/harness|hyperv-target|HyperVSimulator/;

interface SuiteLike {
  file?: string;
  pending: boolean;
  suites: SuiteLike[];
}

function mark(suite: SuiteLike, cache: Map<string, boolean>): number {
  let skipped = 0;
  const file = suite.file;
  if (file) {
    let needs = cache.get(file);
    if (needs === undefined) {
      needs = NEEDS_PWSH.test(readFileSync(file, 'utf8'));
      cache.set(file, needs);
    }
    if (needs && !suite.pending) {
      suite.pending = true;
      return 1;
    }
  }
  for (const child of suite.suites) skipped += mark(child, cache);
  return skipped;
}

export const mochaHooks = {
  beforeAll(this: { test?: { parent?: SuiteLike } }): void {
    if (findPwsh()) return;
    if (process.env.CI === 'true') throw new Error(`${PWSH_HINT} (CI=true: the PowerShell suites must run)`);
    const root = this.test?.parent;
    const skipped = root ? mark(root, new Map()) : 0;
    if (skipped > 0) console.log(`PowerShell suites skipped (${skipped}): ${PWSH_HINT}`);
  },
};
