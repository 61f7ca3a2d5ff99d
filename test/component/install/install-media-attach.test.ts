/**
 * install_media attaching its seed ISO to a VM through the real Hyper-V driver and the host simulator: check mode
 * attaches nothing, the first run attaches, the second changes nothing.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { installMedia } from '../../../src/services/install-media';
import { vmDesiredFromOptions } from '../../../src/services/vm-desired';
import { ensureVm } from '../../../src/services/vm-state';
import { inSession, registrySnapshot, startWorld, type SimWorld } from '../services/sim-session';

describe('install_media: attach the seed ISO (simulator)', function () {
  this.timeout(120_000);
  let world: SimWorld;
  let dir: string;
  before(async () => {
    world = await startWorld();
    dir = mkdtempSync(join(tmpdir(), 'install-media-attach-'));
    await inSession(world, false, (s) =>
      ensureVm(s, vmDesiredFromOptions({ name: 'ks01', image: 'debian-12-golden', nics: [{ network: 'LAN' }] }), {
        warn: () => undefined,
      }),
    );
  });
  after(async () => {
    await world.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('check mode attaches nothing, then attaches once and is changed:false after', async () => {
    const mediaPath = 'D:\\ISO\\ks01-oemdrv.iso';
    mkdirSync(dirname(world.sim.files.local(mediaPath)), { recursive: true });
    writeFileSync(world.sim.files.local(mediaPath), 'CD001');
    const request = {
      installer: 'kickstart' as const,
      config: { hostname: 'ks01' },
      dest: join(dir, 'ks01.iso'),
      vm: 'ks01',
      mediaPath,
    };
    const before = registrySnapshot(world.registry);
    const dry = await inSession(world, true, (s) => installMedia({ ...request, check: true }, s));
    expect(dry.changes).to.deep.equal([`write kickstart seed ${request.dest}`, `attach ${mediaPath} to ks01`]);
    expect(registrySnapshot(world.registry)).to.equal(before);
    const first = await inSession(world, false, (s) => installMedia({ ...request, check: false }, s));
    expect(first).to.include({ changed: true, attached: true });
    expect(world.registry.vmsNamed('ks01')[0]!.dvd).to.equal(mediaPath);
    const second = await inSession(world, false, (s) => installMedia({ ...request, check: false }, s));
    expect(second).to.include({ changed: false, attached: true });
  });
});
