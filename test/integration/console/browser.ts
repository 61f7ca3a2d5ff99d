/**
 * Headless Chromium (Debian's package) driven by playwright-core, for tests of what a person sees in a browser.
 * Started per suite (playwright gives it a fresh profile) and stopped by the suite.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export const CHROMIUM = process.env.VIRTSEAL_CHROMIUM ?? '/usr/bin/chromium';

export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  return `no Chromium at ${CHROMIUM}: install Debian's chromium package (build/install-deps.sh does)`;
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  // No network beyond loopback here: background services would only fail to reach their hosts.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
