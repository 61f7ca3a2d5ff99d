import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { senderPublicKeyPem } from '../../../src/seal/sender';
import { configureGuest } from '../../../src/services/guest-config';
import { readVms } from '../../../src/services/vm-info';
import { vmDesiredFromOptions } from '../../../src/services/vm-desired';
import { ensureVm } from '../../../src/services/vm-state';
import { inSession, registrySnapshot, startWorld, type SimWorld } from './sim-session';

const config = {
  hostname: 'app02',
  nics: [{ ipv4_address: '192.0.2.60/24', ipv4_gateway: '192.0.2.1' }],
  admin: { name: 'ops', password: 'Pw-canary-42' },
};

describe('services/guest-config against the simulator running the Linux agent', function () {
  this.timeout(180_000);
  let world: SimWorld;
  before(async () => {
    world = await startWorld({ guestAgent: true });
    for (const name of ['app02', 'app03']) {
      await inSession(world, false, (s) =>
        ensureVm(s, vmDesiredFromOptions({ name, image: 'debian-12-golden', nics: [{ network: 'LAN' }] }), {
          warn: () => undefined,
        }),
      );
    }
  });
  after(async () => world.stop());

  const request = (vm: string, extra: object = {}) => ({
    vm,
    config,
    start: true,
    force: false,
    timeoutMs: 90_000,
    ...extra,
  });

  it('check mode lists the start and the exchange and touches nothing', async () => {
    const before = registrySnapshot(world.registry);
    const result = await inSession(world, true, (s) => configureGuest(s, request('app02')));
    expect(result.changes).to.deep.equal([
      "start VM 'app02'",
      "send the sealed guest configuration to VM 'app02' and wait for its outcome",
    ]);
    expect(registrySnapshot(world.registry)).to.equal(before);
  });

  it('starts the VM, runs the exchange to applied and leaves no host items', async () => {
    const result = await inSession(world, false, (s) => configureGuest(s, request('app02')));
    expect(result).to.include({ changed: true, outcome: 'applied' });
    expect(result.attempt_id).to.be.a('string');
    const vm = world.registry.vmsNamed('app02')[0]!;
    expect(vm.state).to.equal('Running');
    expect(vm.kvpHost.size).to.equal(0);
    expect(readFileSync(join(world.standard.bridge.dirs(vm).root, 'etc/hostname'), 'utf8')).to.equal('app02\n');
    // The config's only NIC names no MAC: the host bound it to the VM's only adapter, which every renderer matches.
    const network = readFileSync(
      join(world.standard.bridge.dirs(vm).root, 'var/lib/cloud/seed/nocloud/network-config'),
      'utf8',
    );
    const mac = vm.nics[0]!.mac.toLowerCase().match(/../g)!.join(':');
    expect(network).to.include(`macaddress: ${mac}`).and.not.include('name: e*');
  });

  it('sends nothing when the guest already reports applied, and vm_info shows that status', async () => {
    // The agent clears its hello and status after the host has removed its items, then exits: let it finish (the
    // simulator takes in the guest's pool on exit) before comparing.
    const vm = world.registry.vmsNamed('app02')[0]!;
    expect(await world.standard.bridge.runs.get(vm.id)!.exited).to.equal(0);
    expect([...vm.kvpGuest.keys()].filter((k) => k.startsWith('virtseal.'))).to.deep.equal(['virtseal.applied']);
    const before = registrySnapshot(world.registry);
    const again = await inSession(world, false, (s) => configureGuest(s, request('app02')));
    expect(again).to.include({ changed: false, outcome: 'already_applied' });
    expect(again.changes).to.deep.equal([]);
    expect(registrySnapshot(world.registry)).to.equal(before);
    const info = await inSession(world, false, (s) => readVms(s.hv, { name: 'app02' }));
    expect(info.vms[0]!.guest_config).to.include({ state: 'applied' });
  });

  it('a changed config (rotated password) is refused as needing a re-arm, never ok/changed:false, and nothing is sent', async () => {
    const before = registrySnapshot(world.registry);
    const rotated = { ...config, admin: { ...config.admin, password: 'Pw-rotated-43' } };
    const error = await inSession(world, false, (s) => configureGuest(s, request('app02', { config: rotated }))).catch(
      (e: unknown) => e,
    );
    expect(error).to.include({ reason: 'conflict' });
    expect((error as Error).message).to.match(
      /applied a different configuration earlier .*re-arm the agent in the guest, then run again with force: true/,
    );
    expect(registrySnapshot(world.registry)).to.equal(before);
  });

  it('says how to re-arm the agent when a forced resend finds nobody listening', async () => {
    const error = await inSession(world, false, (s) =>
      configureGuest(s, request('app02', { force: true, timeoutMs: 2_000 })),
    ).catch((e: unknown) => e);
    expect(error).to.include({ reason: 'guest_timeout' });
    expect((error as Error).message).to.match(
      /already applied a configuration.*re-arm the agent in the guest before force: true/,
    );
    expect(world.registry.vmsNamed('app02')[0]!.kvpHost.size).to.equal(0);
  });

  it('fails with the guest reason, undoes the media it attached, and leaves no host items', async () => {
    const vm = world.registry.vmsNamed('app03')[0]!;
    const iso = 'D:\\ISO\\virtseal-linux.iso';
    mkdirSync(dirname(world.sim.files.local(iso)), { recursive: true });
    writeFileSync(world.sim.files.local(iso), 'CD001');
    try {
      await inSession(world, false, (s) =>
        configureGuest(
          s,
          request('app03', { config: { ...config, hostname: 'app03', run_once: ['exit 4'] }, media: iso }),
        ),
      );
      expect.fail('applied');
    } catch (error) {
      const e = error as { reason: string; message: string; details: { guest_reason: string; undone: string[] } };
      expect(e.reason).to.equal('guest_failed');
      expect(e.details.guest_reason).to.equal('apply_run_once');
      expect(e.details.undone).to.deep.equal(['attach provisioning media']);
      expect(e.message).to.not.include('\n');
    }
    expect(vm.dvd).to.equal('');
    expect(vm.kvpHost.size).to.equal(0);
  });

  it('refuses a second concurrent run for the same VM with a conflict naming it, and the first still applies', async () => {
    await inSession(world, false, (s) =>
      ensureVm(s, vmDesiredFromOptions({ name: 'app04', image: 'debian-12-golden', nics: [{ network: 'LAN' }] }), {
        warn: () => undefined,
      }),
    );
    const cfg = { ...config, hostname: 'app04', nics: [{ ipv4_address: '192.0.2.64/24', ipv4_gateway: '192.0.2.1' }] };
    const first = inSession(world, false, (s) => configureGuest(s, request('app04', { config: cfg })));
    const second = inSession(world, false, (s) => configureGuest(s, request('app04', { config: cfg }))).catch(
      (e: unknown) => e,
    );
    const [a, b] = await Promise.all([first.catch((e: unknown) => e), second]);
    const outcomes = [a, b];
    const refused = outcomes.find((o) => (o as { reason?: string }).reason === 'conflict') as Error | undefined;
    const applied = outcomes.find((o) => (o as { outcome?: string }).outcome === 'applied');
    expect(refused, String(outcomes)).not.to.equal(undefined);
    expect(refused!.message).to.match(
      /^VM 'app04' is already being configured by another guest_config run \([0-9a-f]{16}, lease until /,
    );
    expect(applied, String(outcomes)).not.to.equal(undefined);
    expect(world.registry.vmsNamed('app04')[0]!.kvpHost.size).to.equal(0);
  });

  it('a VM whose image pins the sender key refuses an unsigned exchange (envelope_signature) and applies a signed one', async () => {
    const sender = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pinned = async (name: string) => {
      await inSession(world, false, (s) =>
        ensureVm(s, vmDesiredFromOptions({ name, image: 'debian-12-golden', nics: [{ network: 'LAN' }] }), {
          warn: () => undefined,
        }),
      );
      const vm = world.registry.vmsNamed(name)[0]!;
      // What the media (or a golden image built with the key) put in the guest before its agent first runs.
      const root = world.standard.bridge.dirs(vm).root;
      mkdirSync(join(root, 'etc/virtseal'), { recursive: true });
      writeFileSync(join(root, 'etc/virtseal/sender-key.pem'), senderPublicKeyPem(sender.privateKey));
      return { vm, root, cfg: { ...config, hostname: name } };
    };
    const a = await pinned('app05');
    const refused = await inSession(world, false, (s) => configureGuest(s, request('app05', { config: a.cfg }))).catch(
      (e: unknown) => e,
    );
    expect(refused).to.include({ reason: 'guest_failed' });
    expect((refused as { details: { guest_reason: string } }).details.guest_reason).to.equal('envelope_signature');
    expect(existsSync(join(a.root, 'etc/hostname')) && readFileSync(join(a.root, 'etc/hostname'), 'utf8')).to.not.equal(
      'app05\n',
    );
    expect(a.vm.kvpHost.size).to.equal(0);
    const b = await pinned('app06');
    world.signWith(sender.privateKey);
    try {
      const result = await inSession(world, false, (s) => configureGuest(s, request('app06', { config: b.cfg })));
      expect(result).to.include({ changed: true, outcome: 'applied' });
    } finally {
      world.signWith(undefined);
    }
    expect(readFileSync(join(b.root, 'etc/hostname'), 'utf8')).to.equal('app06\n');
    expect(b.vm.kvpHost.size).to.equal(0);
  });
});
