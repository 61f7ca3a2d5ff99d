/**
 * The fake XAPI pool with the standard preset, guests running the real Linux agent, and the golden image
 * `debian-12-golden` published through the Xen driver (so a demo or a playbook can create from it at once). Used by
 * `virtseal sim --xen` and `npm run demo -- --xen`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XenHypervisor } from '../../drivers/xen/index';
import { AgentGuests } from './agent-guests';
import { STANDARD_PRESET } from './preset';
import { FakeXapi } from './server';

export interface StandardXenSim {
  readonly fake: FakeXapi;
  readonly guests: AgentGuests;
  readonly user: string;
  readonly password: string;
  readonly imageName: string;
  readonly networkName: string;
  stop(): Promise<void>;
}

export async function startStandardXenSim(
  options: { readonly port?: number; readonly password?: string } = {},
): Promise<StandardXenSim> {
  const password = options.password ?? randomBytes(18).toString('base64url');
  const guests = new AgentGuests();
  const fake = await FakeXapi.start({
    guests,
    users: { root: { password, role: 'pool-admin' } },
    ...(options.port ? { port: options.port } : {}),
  });
  const dir = mkdtempSync(join(tmpdir(), 'virtseal-xen-image-'));
  const imageName = 'debian-12-golden';
  try {
    writeFileSync(join(dir, 'golden.raw'), randomBytes(1024 * 1024));
    const hv = await XenHypervisor.connect({
      url: fake.url,
      username: 'root',
      password,
      fingerprint: fake.tls.fingerprint256,
    });
    try {
      await hv.images.publishImage({ localPath: join(dir, 'golden.raw'), name: imageName });
    } finally {
      await hv.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    fake,
    guests,
    user: 'root',
    password,
    imageName,
    networkName: STANDARD_PRESET.networkName,
    stop: () => fake.stop(),
  };
}
