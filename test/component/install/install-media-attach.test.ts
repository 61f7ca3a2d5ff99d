/**
 * install_media attaching its seed ISO to a VM through the real Hyper-V driver and the host simulator: check mode
 * attaches nothing, the first run attaches, the second changes nothing.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  it('copies the seed to the host library, attaches it, replaces it when the answers change, and removes it', async () => {
    const library = world.sim.files.local('C:\\ProgramData\\virtseal\\images');
    const seeds = () => (existsSync(library) ? readdirSync(library).filter((f) => f.startsWith('ks02-seed-')) : []);
    await inSession(world, false, (s) =>
      ensureVm(s, vmDesiredFromOptions({ name: 'ks02', image: 'debian-12-golden', nics: [{ network: 'LAN' }] }), {
        warn: () => undefined,
      }),
    );
    const request = {
      installer: 'kickstart' as const,
      config: { hostname: 'ks02', timezone: 'Europe/Berlin' },
      dest: join(dir, 'ks02.iso'),
      vm: 'ks02',
    };
    const before = registrySnapshot(world.registry);
    const dry = await inSession(world, true, (s) => installMedia({ ...request, check: true }, s));
    expect(dry.changes[0]).to.equal(`write kickstart seed ${request.dest}`);
    expect(dry.changes[1]).to.match(/^copy seed .* to the host library as ks02-seed-[0-9a-f]{16}\.iso$/);
    expect(registrySnapshot(world.registry)).to.equal(before);
    expect(seeds()).to.deep.equal([]);

    const first = await inSession(world, false, (s) => installMedia({ ...request, check: false }, s));
    expect(first).to.include({ changed: true, attached: true });
    const file = `ks02-seed-${first.sha256.slice(0, 16)}.iso`;
    expect(first.media_path).to.equal(`C:\\ProgramData\\virtseal\\images\\${file}`);
    expect(seeds()).to.deep.equal([file, `${file}.sha256`]);
    expect(readFileSync(join(library, file)).equals(readFileSync(request.dest)), 'the bytes of dest').to.equal(true);
    expect(world.registry.vmsNamed('ks02')[0]!.dvd).to.equal(first.media_path);

    const second = await inSession(world, false, (s) => installMedia({ ...request, check: false }, s));
    expect(second).to.include({ changed: false, attached: true, media_path: first.media_path });

    // A copy damaged on the host is found by its hash and copied again.
    writeFileSync(join(library, file), 'not the seed');
    writeFileSync(join(library, `${file}.sha256`), '0'.repeat(64));
    const repaired = await inSession(world, false, (s) => installMedia({ ...request, check: false }, s));
    expect(repaired.changed).to.equal(true);
    expect(readFileSync(join(library, file)).equals(readFileSync(request.dest))).to.equal(true);

    const changed = await inSession(world, false, (s) =>
      installMedia({ ...request, config: { ...request.config, timezone: 'Europe/Paris' }, check: false }, s),
    );
    const newFile = `ks02-seed-${changed.sha256.slice(0, 16)}.iso`;
    expect(newFile).to.not.equal(file);
    expect(changed.changes).to.include(`remove seed C:\\ProgramData\\virtseal\\images\\${file} from the host`);
    expect(seeds()).to.deep.equal([newFile, `${newFile}.sha256`]);
    expect(world.registry.vmsNamed('ks02')[0]!.dvd).to.equal(changed.media_path);

    const absent = { ...request, config: { ...request.config, timezone: 'Europe/Paris' }, state: 'absent' as const };
    const removed = await inSession(world, false, (s) => installMedia({ ...absent, check: false }, s));
    expect(removed.changed).to.equal(true);
    expect(removed.attached).to.equal(false);
    expect(world.registry.vmsNamed('ks02')[0]!.dvd ?? '').to.equal('');
    expect(seeds()).to.deep.equal([]);
    const again = await inSession(world, false, (s) => installMedia({ ...absent, check: false }, s));
    expect(again.changed).to.equal(false);
  });
});
