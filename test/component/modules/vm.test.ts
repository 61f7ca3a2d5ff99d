/**
 * The thin module layer through the real module runtime (validation, coercion, masking) against the simulator:
 * connection from the VIRTSEAL_HOST_* environment, check mode through the recording driver, AWX-style string
 * answers, one-line errors, and secrets from the environment masked in every result.
 */
import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { runModule } from '../../../src/ansible/runner';
import guestConfigModule from '../../../src/modules/guest_config';
import nicModule from '../../../src/modules/nic';
import vmModule from '../../../src/modules/vm';
import vmInfoModule from '../../../src/modules/vm_info';
import { registrySnapshot, startWorld, type SimWorld } from '../services/sim-session';

describe('modules: vm, vm_info, guest_config through the module runtime', function () {
  // The simulator runs the host scripts in pwsh: several seconds per module call on a busy machine.
  this.timeout(600_000);
  let world: SimWorld;
  const saved: Record<string, string | undefined> = {};
  const setEnv = (values: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(values)) {
      if (!(k in saved)) saved[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };

  before(async () => {
    world = await startWorld();
    setEnv({
      VIRTSEAL_HOST: `${world.sim.host}:${world.sim.port}`,
      VIRTSEAL_HOST_USER: world.sim.user,
      VIRTSEAL_HOST_PASSWORD: world.sim.password,
      VIRTSEAL_HOST_KEY_FINGERPRINT: world.sim.hostKeyFingerprint,
    });
  });
  after(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await world.stop();
  });

  it('connects from the environment, honours check mode, and coerces survey strings', async () => {
    const before = registrySnapshot(world.registry);
    const args = {
      name: 'mod01',
      image: 'debian-12-golden',
      cpu_count: '4',
      memory_mb: '3072',
      os_disk_size_gb: '30',
      nics: [{ network: 'LAN', vlan_id: '7' }],
      state: 'started',
    };
    const dry = await runModule(vmModule, { ...args, _ansible_check_mode: true, _ansible_diff: true });
    expect(dry.failed, String(dry.msg)).to.equal(undefined);
    expect(dry.changed).to.equal(true);
    expect(dry.changes).to.deep.equal([
      "create VM 'mod01' (4 CPU, 3072 MiB; disks: os = differencing disk of image 'debian-12-golden' grown to 30 GiB; NICs: nic0 on 'LAN' VLAN 7)",
      "start VM 'mod01'",
    ]);
    expect((dry.diff as { before: object }).before).to.deep.equal({});
    expect(registrySnapshot(world.registry)).to.equal(before);

    const real = await runModule(vmModule, args);
    expect(real).to.include({ changed: true, created: true });
    expect(world.registry.vmsNamed('mod01')[0]!.cpuCount).to.equal(4);
    expect(await runModule(vmModule, args)).to.include({ changed: false });
  });

  it('check mode of a creation from an image not published yet succeeds with a warning; the real run fails naming it', async () => {
    const before = registrySnapshot(world.registry);
    const args = { name: 'mod02', image: 'debian-13-next', os_disk_size_gb: '30', nics: [{ network: 'LAN' }] };
    const dry = await runModule(vmModule, { ...args, _ansible_check_mode: true });
    expect(dry.failed, String(dry.msg)).to.equal(undefined);
    expect(dry).to.include({ changed: true, created: true });
    expect(dry.changes).to.deep.equal([
      "create VM 'mod02' (2 CPU, 2048 MiB; disks: os = differencing disk of image 'debian-13-next' grown to 30 GiB; NICs: nic0 on 'LAN')",
    ]);
    expect(dry.warnings).to.deep.equal([
      "image 'debian-13-next' (option 'image') is not on the host yet: the real run fails unless an earlier task publishes it",
    ]);
    const real = await runModule(vmModule, args);
    expect(real).to.include({ failed: true, reason: 'not_found' });
    expect(String(real.msg)).to.equal(
      "image 'debian-13-next' (option 'image') is not in the host's image library; publish it first with virtseal.core.image",
    );
    expect(registrySnapshot(world.registry)).to.equal(before);
  });

  it('masks a secret taken from the environment wherever it would appear', async () => {
    const result = await runModule(vmModule, { name: 'mod01', notes: `ticket ${world.sim.password} done` });
    expect(result.changed).to.equal(true);
    const text = JSON.stringify(result);
    expect(text).to.not.include(world.sim.password);
    expect((result.vm as { notes: string }).notes).to.equal('ticket ******** done');
  });

  it('masks config secrets of guest_config in its invocation and result', async () => {
    const result = await runModule(guestConfigModule, {
      vm: 'mod01',
      config: { hostname: 'mod01', admin: { name: 'ops', password: 'S3cret-in-config' } },
      _ansible_check_mode: true,
    });
    expect(result.failed, String(result.msg)).to.equal(undefined);
    expect(JSON.stringify(result)).to.not.include('S3cret-in-config');
    expect(result.changes).to.deep.equal([
      "send the sealed guest configuration to VM 'mod01' and wait for its outcome",
    ]);
  });

  it('a vm task that names a NIC without vlan_id keeps the VLAN the nic module set', async () => {
    expect(await runModule(vmModule, { name: 'mod04', nics: [{ network: 'LAN' }] })).to.include({ changed: true });
    const tagged = await runModule(nicModule, { vm: 'mod04', name: 'nic0', network: 'LAN', vlan_id: 20 });
    expect(tagged, String(tagged.msg)).to.include({ changed: true });
    const again = await runModule(vmModule, { name: 'mod04', nics: [{ name: 'nic0', network: 'LAN' }] });
    expect(again, String(again.msg)).to.include({ changed: false });
    expect((again.vm as { nics: { vlan_id?: number }[] }).nics[0]!.vlan_id).to.equal(20);
    const removed = await runModule(vmModule, { name: 'mod04', nics: [{ name: 'nic0', network: 'LAN', vlan_id: 0 }] });
    expect(removed).to.include({ changed: true });
    expect((removed.vm as { nics: { vlan_id?: number }[] }).nics[0]!.vlan_id ?? 0).to.equal(0);
  });

  it('guest_config checks addresses and names before it touches the VM, naming the option config', async () => {
    expect(await runModule(vmModule, { name: 'mod03', image: 'debian-12-golden' })).to.include({ changed: true });
    const before = registrySnapshot(world.registry);
    const bad = await runModule(guestConfigModule, {
      vm: 'mod03',
      start: true,
      config: {
        hostname: 'web_01!',
        admin: { name: 'ops', password: 'S3cret-in-config' },
        nics: [{ ipv4_address: '192.0.2.10' }],
      },
    });
    expect(bad).to.include({ failed: true, changed: false, reason: 'invalid_argument' });
    expect(String(bad.msg)).to.match(/^config\.hostname: .*; config\.nics\[0\]\.ipv4_address: /);
    expect(bad.option).to.equal('config.hostname');
    expect(world.registry.vmsNamed('mod03')[0]!.state).to.equal('Off');
    expect(registrySnapshot(world.registry)).to.equal(before);
    expect(JSON.stringify(bad)).to.not.include('S3cret-in-config');
  });

  it('guest_config refuses a sender_key that is not a P-256 private key before touching the VM, never echoing it', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const body = rsa.split('\n')[1]!;
    const before = registrySnapshot(world.registry);
    for (const [args, env] of [
      [{ sender_key: rsa }, undefined],
      [{}, rsa],
    ] as const) {
      setEnv({ VIRTSEAL_SENDER_KEY: env });
      const bad = await runModule(guestConfigModule, {
        vm: 'mod03',
        start: true,
        config: { hostname: 'mod03' },
        ...args,
      });
      expect(bad).to.include({ failed: true, changed: false, reason: 'invalid_argument', option: 'sender_key' });
      expect(String(bad.msg)).to.equal('sender_key: the sender key must be an EC P-256 (prime256v1) key');
      expect(JSON.stringify(bad)).to.not.include(body);
    }
    setEnv({ VIRTSEAL_SENDER_KEY: undefined });
    expect(registrySnapshot(world.registry)).to.equal(before);
  });

  it('never echoes a value under an unknown key, even when the key is a misspelt secret', async () => {
    const r = await runModule(guestConfigModule, {
      vm: 'mod03',
      config: { hostname: 'web01', admin_user: { name: 'ops', password: 'Unknown-key-canary' } },
    });
    expect(r).to.include({ failed: true, reason: 'invalid_argument', option: 'config.admin_user' });
    expect(JSON.stringify(r)).to.not.include('Unknown-key-canary');
  });

  it('fails with one line naming the option for bad input, and with a stable reason for host problems', async () => {
    const bad = await runModule(vmModule, { name: 'mod01', cpu_count: 0 });
    expect(bad.failed).to.equal(true);
    expect(String(bad.msg)).to.match(/cpu_count/);
    expect(String(bad.msg)).to.not.include('\n');

    const unreachable = await runModule(vmInfoModule, { host: '127.0.0.1:1' });
    expect(unreachable).to.include({ failed: true, reason: 'host_unreachable' });

    setEnv({ VIRTSEAL_HOST_PASSWORD: 'wrong-password-canary' });
    try {
      const denied = await runModule(vmInfoModule, {});
      expect(denied).to.include({ failed: true, reason: 'auth_failed' });
      expect(JSON.stringify(denied)).to.not.include('wrong-password-canary');
    } finally {
      setEnv({ VIRTSEAL_HOST_PASSWORD: world.sim.password });
    }
  });
});
