/**
 * The guest-agent ISOs kept in step with the hosts: create.yml publishes this release's agent ISO (image, kind: iso)
 * into the host library before guest_config attaches it, a second VM finds it there (same version in the name, same
 * hash) and sends nothing, and a file that is not an ISO is refused with one line before anything is sent. Real
 * media from build/media.ts, real ansible-playbook, the Hyper-V host simulator.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { buildMedia } from '../../../build/media';
import { CollectionHarness, failedTask, task } from './harness';
import { createVars } from './vars';

describe('collection: guest-agent ISOs published by create.yml', function () {
  this.timeout(600_000);
  let h: CollectionHarness;
  let dir: string;
  let iso: string;
  let version: string;

  before(async () => {
    h = await CollectionHarness.start();
    dir = mkdtempSync(join(tmpdir(), 'virtseal-agent-media-'));
    const media = buildMedia(dir);
    iso = media.linuxIso;
    version = media.version;
  });
  after(async () => {
    await h?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the agent ISO into the host library once and attaches it for the exchange', async () => {
    const first = await h.play('create', { ...createVars, vm_name: 'iso01', vm_agent_media_src: iso });
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    const published = task(first, 'Publish the guest-agent ISO');
    expect(published.status).to.equal('changed');
    const hostEntry = (published.result.hosts as { path: string; skipped: boolean; sent_bytes: number }[])[0]!;
    expect(hostEntry.path).to.match(new RegExp(`\\\\virtseal-linux-${version.replace(/\./g, '\\.')}\\.iso$`));
    expect(hostEntry.skipped).to.equal(false);
    expect(hostEntry.sent_bytes).to.be.greaterThan(100_000);
    expect(existsSync(h.world.sim.files.local(hostEntry.path)), 'the ISO is in the host library').to.equal(true);
    const configured = task(first, 'Send the sealed guest configuration');
    expect(configured.result.outcome).to.equal('applied');
    // guest_config attached the published ISO, and detached it afterwards.
    expect((configured.result.invocation as { module_args: { media: string } }).module_args.media).to.equal(
      hostEntry.path,
    );
    expect(h.world.sim.registry.vmsNamed('iso01')[0]!.dvd ?? '').to.equal('');

    const second = await h.play('create', {
      ...createVars,
      vm_name: 'iso02',
      vm_ipv4_address: '192.0.2.51/24',
      vm_agent_media_src: iso,
    });
    expect(second.code, second.stdout + second.stderr).to.equal(0);
    const again = task(second, 'Publish the guest-agent ISO');
    expect(again.status, 'same version and hash: nothing sent').to.equal('ok');
    expect((again.result.hosts as { skipped: boolean; sent_bytes: number }[])[0]).to.deep.include({
      skipped: true,
      sent_bytes: 0,
    });
  });

  it('refuses a file that is not an ISO with one line naming src, before sending anything', async () => {
    const fake = join(dir, 'virtseal-linux-9.9.9.iso');
    writeFileSync(fake, Buffer.alloc(64 * 1024, 1));
    const run = await h.play('create', { ...createVars, vm_name: 'iso03', vm_agent_media_src: fake });
    const failed = failedTask(run);
    expect(failed.name).to.equal('Publish the guest-agent ISO');
    expect(failed.msg).to.equal(`src ${fake} is not an ISO 9660 image (kind: iso)`);
    expect(existsSync(h.world.sim.files.local('C:\\ProgramData\\virtseal\\images\\virtseal-linux-9.9.9.iso'))).to.equal(
      false,
    );
  });
});
