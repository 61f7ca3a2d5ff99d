/**
 * Where the Xen contract suite runs: the fake XAPI (always), or a real pool when VIRTSEAL_XAPI_URL, credentials
 * and a certificate pin are set (docs/xen.md). Cases that need the fake's controls call `fakeOnly(reason)`.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { XenHypervisor } from '../../src/drivers/xen/index';
import { FakeXapi } from '../../src/sim/xapi/server';
import { STANDARD_PRESET } from '../../src/sim/xapi/preset';

export interface XenTarget {
  readonly kind: 'fake' | 'real';
  readonly hv: XenHypervisor;
  readonly network: string;
  /** Present on the fake only. */
  readonly fake?: FakeXapi;
  name(label: string): string;
  close(): Promise<void>;
}

export const realPoolConfigured = (): boolean => Boolean(process.env.VIRTSEAL_XAPI_URL);

export async function openXenTarget(): Promise<XenTarget> {
  const run = randomBytes(3).toString('hex');
  const name = (label: string): string => `vs-contract-${run}-${label}`;
  const env = process.env;
  if (realPoolConfigured()) {
    const hv = await XenHypervisor.connect({
      url: env.VIRTSEAL_XAPI_URL!,
      username: env.VIRTSEAL_XAPI_USER ?? 'root',
      password: env.VIRTSEAL_XAPI_PASSWORD ?? '',
      ...(env.VIRTSEAL_XAPI_FINGERPRINT ? { fingerprint: env.VIRTSEAL_XAPI_FINGERPRINT } : {}),
      ...(env.VIRTSEAL_XAPI_CA_FILE ? { caPem: readFileSync(env.VIRTSEAL_XAPI_CA_FILE, 'utf8') } : {}),
      ...(env.VIRTSEAL_XAPI_SR ? { sr: env.VIRTSEAL_XAPI_SR } : {}),
    });
    return {
      kind: 'real',
      hv,
      network: env.VIRTSEAL_XAPI_NETWORK ?? 'Pool-wide network associated with eth0',
      name,
      close: () => hv.close(),
    };
  }
  const fake = await FakeXapi.start();
  const hv = await XenHypervisor.connect({
    url: fake.url,
    username: 'root',
    password: 'xapi-secret',
    fingerprint: fake.tls.fingerprint256,
  });
  return {
    kind: 'fake',
    hv,
    fake,
    network: STANDARD_PRESET.networkName,
    name,
    async close() {
      await hv.close();
      await fake.stop();
    },
  };
}

export function fakeOnly(ctx: Mocha.Context, target: XenTarget, reason: string): FakeXapi {
  if (!target.fake) {
    console.log(`      skipped on a real pool: ${reason}`);
    ctx.skip();
  }
  return target.fake!;
}
