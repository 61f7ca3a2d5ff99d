import { expect } from 'chai';
import { ManualClock } from '../../../../src/core/clock';
import { Conflict, GuestTimeout, InvalidArgument, NotFound } from '../../../../src/core/errors';
import { mebibytes } from '../../../../src/core/units';
import { LibvirtHypervisor } from '../../../../src/drivers/libvirt/index';
import { HostCommands } from '../../../../src/drivers/libvirt/virsh';
import { buildDomainXml } from '../../../../src/drivers/libvirt/domain-xml';
import { mapState } from '../../../../src/drivers/libvirt/context';
import type { DomainModel } from '../../../../src/drivers/libvirt/domain-model';
import { FakeHost, HOSTILE } from './fake-host';

function driver(host: FakeHost, clock = new ManualClock()): LibvirtHypervisor {
  return new LibvirtHypervisor({
    host: new HostCommands({ runner: host }),
    poolPath: '/pool',
    domainType: 'qemu',
    guestKvpDir: '/var/lib/virtseal/kvp',
    clock,
  });
}

/** A host with one defined domain whose XML and state the test controls. */
function hostWith(model: DomainModel | undefined, state: () => string): FakeHost {
  const host = new FakeHost();
  host.on((argv) => {
    if (argv[0] !== 'virsh') {
      if (argv[0] === 'qemu-img' && argv[1] === 'info')
        return { code: 0, stdout: JSON.stringify({ format: 'qcow2', 'virtual-size': 1 << 30 }), stderr: '' };
      if (argv[0] === 'qemu-img') return { code: 0, stdout: '', stderr: '' };
      return undefined;
    }
    const [cmd, dom] = argv.slice(4);
    const known = model !== undefined && (dom === `--domain=${model.uuid}` || dom === `--domain=${model.name}`);
    const missing = { code: 1, stdout: '', stderr: `error: failed to get domain '${dom?.slice(9)}'` };
    switch (cmd) {
      case 'dumpxml':
        return known ? { code: 0, stdout: buildDomainXml(model!), stderr: '' } : missing;
      case 'domstate':
        return known ? { code: 0, stdout: `${state()}\n`, stderr: '' } : missing;
      case 'dominfo':
        return known ? { code: 0, stdout: 'Autostart:      disable\n', stderr: '' } : missing;
      case 'list':
        return { code: 0, stdout: model ? `${model.uuid}\n` : '', stderr: '' };
      case 'define':
      case 'start':
      case 'shutdown':
      case 'destroy':
      case 'undefine':
      case 'autostart':
        return { code: 0, stdout: '', stderr: '' };
      default:
        return undefined;
    }
  });
  return host;
}

const model: DomainModel = {
  uuid: '11111111-2222-3333-4444-555555555555',
  name: 'web-01',
  type: 'qemu',
  cpuCount: 1,
  memory: { startupMb: 512, dynamic: false },
  generation: 1,
  secureBoot: 'off',
  tpm: false,
  bootOrder: ['disk'],
  tags: [],
  disks: [{ name: 'os', dev: 'vda', path: '/pool/vms/1111/vda.qcow2', format: 'qcow2', owned: true }],
  nics: [],
};

describe('libvirt driver: VMs', () => {
  it('clones the image with a backing file, grows it, and defines the domain from a file, never from argv', async () => {
    const host = hostWith(undefined, () => 'shut off');
    let defined = '';
    host.on((argv) => {
      if (argv[0] === 'virsh' && argv[4] === 'define') {
        defined = host.hostFiles.get(argv[5]!.slice('--file='.length)) ?? '';
        return { code: 0, stdout: '', stderr: '' };
      }
      return undefined;
    });
    const hv = driver(host);
    const name = HOSTILE[3]!;
    await hv.vms
      .createVm({
        spec: {
          name,
          generation: 1,
          cpuCount: 2,
          memory: { startupMb: 1024 },
          disks: [{ name: 'os', image: 'debian', sizeBytes: mebibytes(4096) }],
          nics: [{ name: 'lan', network: 'default', vlanId: 7 }],
        },
      })
      .catch((e: unknown) => {
        // The fake host has no domain after define; reading it back fails, which is all this test needs.
        if (!(e instanceof NotFound)) throw e;
      });
    const argvs = host.calls.map((c) => c.argv);
    const clone = argvs.find((a) => a[0] === 'qemu-img' && a[1] === 'create')!;
    expect(clone).to.include.members(['-b', '/pool/images/debian.qcow2', '-F', 'qcow2']);
    expect(argvs.find((a) => a[0] === 'qemu-img' && a[1] === 'resize')).to.include(String(4096 * 1024 * 1024));
    expect(defined).to.contain('<name>"; rm -rf ~</name>').and.contain('<tag id="7"/>');
    for (const a of argvs) for (const word of a) expect(word).not.to.contain('<domain');
  });

  it('refuses a second VM with the same name', async () => {
    const hv = driver(hostWith(model, () => 'running'));
    const err = await hv.vms
      .createVm({
        spec: { name: 'web-01', generation: 1, cpuCount: 1, memory: { startupMb: 512 }, disks: [], nics: [] },
      })
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(Conflict);
  });

  it('names the spec field for what libvirt refuses', async () => {
    const hv = driver(hostWith(undefined, () => 'shut off'));
    const bad = [
      [{ name: 'a/b' }, 'name'],
      [{ nics: [{ name: 'a', network: 'n', mac: 'zz:00' }] }, 'nics[0].mac'],
      [
        {
          nics: [
            { name: 'a', network: 'n' },
            { name: 'b', network: 'n', mac: '01:00:5e:00:00:01' },
          ],
        },
        'nics[1].mac',
      ],
      [{ disks: [{ name: 'os', image: '../etc/passwd' }] }, 'disks[0].image'],
      [{ secureBoot: 'on', generation: 1 }, 'secureBoot'],
    ] as const;
    for (const [change, option] of bad) {
      const spec = {
        name: 'x',
        generation: 2,
        cpuCount: 1,
        memory: { startupMb: 512 },
        disks: [],
        nics: [],
        ...change,
      };
      const err = await hv.vms.createVm({ spec: spec as never }).catch((e: unknown) => e);
      expect(err, option).to.be.instanceOf(InvalidArgument).with.property('option', option);
    }
  });

  it('refuses secure boot for an image that boots its kernel directly, saying what to set, and removes the disk it made', async () => {
    const host = hostWith(undefined, () => 'shut off');
    host.on((argv) =>
      argv[0] === 'cat' && argv[2]!.endsWith('/deb.boot.json')
        ? { code: 0, stdout: '{"kernel": "deb.vmlinuz"}', stderr: '' }
        : undefined,
    );
    host.on((argv) =>
      argv[0] === 'test' || argv[0] === 'mkdir' || argv[0] === 'rm' || argv[0] === 'rmdir'
        ? { code: 0, stdout: '', stderr: '' }
        : undefined,
    );
    const spec = {
      name: 'x',
      generation: 2,
      secureBoot: 'MicrosoftUEFICertificateAuthority',
      cpuCount: 1,
      memory: { startupMb: 512 },
      disks: [{ name: 'os', image: 'deb' }],
      nics: [],
    } as const;
    const err = await driver(host)
      .vms.createVm({ spec })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).to.be.instanceOf(InvalidArgument).with.property('option', 'secureBoot');
    expect((err as Error).message).to.contain('turn secure boot off');
    const created = host.calls.find((c) => c.argv[0] === 'qemu-img' && c.argv[1] === 'create')?.argv.at(-1);
    expect(created, 'a disk was made before the image was read').to.be.a('string');
    const removed = host.calls.filter((c) => c.argv[0] === 'rm').map((c) => c.argv.at(-1)!);
    expect(
      removed.some((p) => created!.startsWith(`${p}/`)),
      'the VM directory with the disk is removed again',
    ).to.equal(true);
    expect(host.virshCalls().some((a) => a[0] === 'define')).to.equal(false);
  });

  it('reads a VM back with its metadata names and the guest agent addresses', async () => {
    const hv = driver(hostWith({ ...model, tags: ['a b'] }, () => 'running (booted)'));
    const info = await hv.vms.findVm({ ref: { name: 'web-01' } });
    expect(info).to.include({ id: model.uuid, name: 'web-01', state: 'running', cpuCount: 1 });
    expect(info!.tags).to.deep.equal(['a b']);
    expect(info!.disks).to.deep.equal([
      { name: 'os', path: '/pool/vms/1111/vda.qcow2', sizeBytes: 1 << 30, owned: true },
    ]);
    expect(info!.ipAddresses).to.deep.equal(['192.0.2.10']);
    expect(await hv.vms.findVm({ ref: { name: 'nope' } })).to.equal(undefined);
  });

  it('deletes the domain with its snapshots metadata and its owned disks', async () => {
    const host = hostWith(model, () => 'shut off');
    await driver(host).vms.deleteVm({ id: model.uuid, removeOwnedDisks: true });
    const argvs = host.calls.map((c) => c.argv);
    expect(argvs.some((a) => a.includes('undefine') && a.includes('--snapshots-metadata'))).to.equal(true);
    expect(argvs).to.deep.include(['rm', '-f', '--', '/pool/vms/1111/vda.qcow2']);
    expect(argvs.some((a) => a.includes('destroy'))).to.equal(false);
  });

  it('re-creates the UEFI variables when secure boot changes on a stopped VM, and refuses the change while it runs', async () => {
    const uefi: DomainModel = { ...model, generation: 2 };
    const host = hostWith(uefi, () => 'shut off');
    await driver(host).vms.reconfigureVm({ id: uefi.uuid, changes: { secureBoot: 'on' } });
    const calls = host.virshCalls().map((a) => a.join(' '));
    const define = calls.findIndex((c) => c.startsWith('define'));
    expect(define).to.be.greaterThan(-1);
    expect(calls.slice(define + 1, define + 3)).to.deep.equal([
      `start --domain=${uefi.uuid} --paused --reset-nvram`,
      `destroy --domain=${uefi.uuid}`,
    ]);

    const unchanged = hostWith(uefi, () => 'shut off');
    await driver(unchanged).vms.reconfigureVm({ id: uefi.uuid, changes: { secureBoot: 'off', cpuCount: 2 } });
    expect(unchanged.virshCalls().some((a) => a[0] === 'start')).to.equal(false);

    const running = hostWith(uefi, () => 'running');
    const err = await driver(running)
      .vms.reconfigureVm({ id: uefi.uuid, changes: { secureBoot: 'on' } })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).to.be.instanceOf(Conflict).with.property('message').that.contains('only while the VM is off');
    expect(running.virshCalls().some((a) => a[0] === 'define' || a[0] === 'start')).to.equal(false);
  });
});

describe('libvirt driver: power', () => {
  it('shuts down through ACPI and turns the VM off when the guest ignores it and force is set', async () => {
    const clock = new ManualClock();
    const host = hostWith(model, () => 'running');
    const hv = driver(host, clock);
    const pending = hv.power.shutdown({ id: model.uuid, timeoutMs: 5_000, force: true });
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setImmediate(r));
      clock.advance(500);
    }
    expect(await pending).to.deep.equal({ forced: true });
    const cmds = host.virshCalls().map((a) => a[0]);
    expect(cmds).to.include('shutdown').and.include('destroy');
    expect(host.virshCalls().find((a) => a[0] === 'shutdown')).to.include('--mode=acpi');
  });

  it('reports GuestTimeout instead of forcing when force is off', async () => {
    const clock = new ManualClock();
    const host = hostWith(model, () => 'running');
    const pending = driver(host, clock)
      .power.shutdown({ id: model.uuid, timeoutMs: 2_000, force: false })
      .catch((e: unknown) => e);
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setImmediate(r));
      clock.advance(500);
    }
    expect(await pending).to.be.instanceOf(GuestTimeout);
    expect(host.virshCalls().map((a) => a[0])).not.to.include('destroy');
  });

  it('maps virsh states', () => {
    expect(mapState('running (booted)')).to.equal('running');
    expect(mapState('shut off (saved)')).to.equal('saved');
    expect(mapState('shut off (destroyed)')).to.equal('off');
    expect(mapState('in shutdown (user)')).to.equal('stopping');
    expect(mapState('paused (user)')).to.equal('paused');
    expect(mapState('what')).to.equal('unknown');
  });
});
