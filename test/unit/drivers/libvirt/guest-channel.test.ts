import { expect } from 'chai';
import { ManualClock } from '../../../../src/core/clock';
import { LibvirtHypervisor } from '../../../../src/drivers/libvirt/index';
import { HostCommands, GuestAgentUnavailable } from '../../../../src/drivers/libvirt/virsh';
import { buildDomainXml } from '../../../../src/drivers/libvirt/domain-xml';
import { decodePool, encodePool } from '../../../../src/seal/kvp-pool-file';
import { FakeHost } from './fake-host';

const UUID = '0b7c9c36-3f21-4d7e-9b8e-1f2a3b4c5d6e';
const DIR = '/var/lib/virtseal/kvp';

function setup() {
  const host = new FakeHost();
  host.on((argv) =>
    argv[0] === 'virsh' && argv[4] === 'dumpxml'
      ? {
          code: 0,
          stdout: buildDomainXml({
            uuid: UUID,
            name: 'web-01',
            type: 'qemu',
            cpuCount: 1,
            memory: { startupMb: 256 },
            generation: 1,
            secureBoot: 'off',
            tpm: false,
            bootOrder: [],
            tags: [],
            disks: [],
            nics: [],
          }),
          stderr: '',
        }
      : undefined,
  );
  const hv = new LibvirtHypervisor({
    host: new HostCommands({ runner: host }),
    poolPath: '/pool',
    domainType: 'qemu',
    guestKvpDir: DIR,
    clock: new ManualClock(),
  });
  return { host, channel: hv.guestChannel({ vmId: UUID }) };
}

describe('libvirt driver: guest-agent channel', () => {
  it('writes pool 0 and the host facts in pool 3 as KVP records, renamed into place', async () => {
    const { host, channel } = setup();
    await channel.writeHostItems([
      ['virtseal.a', '1'],
      ['virtseal.b', 'x'.repeat(2000)],
    ]);
    expect(decodePool(host.guestFiles.get(`${DIR}/.kvp_pool_0`)!)).to.deep.equal([
      ['virtseal.a', '1'],
      ['virtseal.b', 'x'.repeat(2000)],
    ]);
    expect(Object.fromEntries(decodePool(host.guestFiles.get(`${DIR}/.kvp_pool_3`)!))).to.include({
      VirtualMachineId: UUID,
      VirtualMachineName: 'web-01',
      HostName: 'kvm-host-1',
    });
    expect(host.execs[0]).to.deep.equal(['/bin/mkdir', '-p', '-m', '0700', DIR]);
    expect(host.execs).to.deep.include(['/bin/mv', '-f', `${DIR}/.kvp_pool_0.virtseal-new`, `${DIR}/.kvp_pool_0`]);
    expect([...host.guestFiles.keys()].some((k) => k.endsWith('virtseal-new'))).to.equal(false);
  });

  it('updates a key in place, appends new keys and removes keys', async () => {
    const { host, channel } = setup();
    await channel.writeHostItems([
      ['a', '1'],
      ['b', '2'],
    ]);
    await channel.writeHostItems([
      ['a', '3'],
      ['c', '4'],
    ]);
    expect(decodePool(host.guestFiles.get(`${DIR}/.kvp_pool_0`)!)).to.deep.equal([
      ['a', '3'],
      ['b', '2'],
      ['c', '4'],
    ]);
    await channel.removeHostItems(['a', 'c', 'absent']);
    expect(await channel.listHostItems()).to.deep.equal(['b']);
  });

  it('reads at most 1 MiB of a guest-writable pool (guest root can point it at /dev/zero)', async () => {
    const { host, channel } = setup();
    host.guestFiles.set(`${DIR}/.kvp_pool_1`, Buffer.alloc(64 * 1024 * 1024));
    const reads = () => host.agentCalls.filter((c) => c === 'guest-file-read').length;
    const e = await channel.readGuestItems().catch((err: Error) => err);
    expect((e as Error).message).to.equal(
      `${DIR}/.kvp_pool_1 in the guest holds more than 1048576 bytes: not read (a guest-writable file is read only up to that size)`,
    );
    expect(reads(), 'one read of 1 MiB and one of a single byte past it').to.equal(2);
    host.guestFiles.set(
      `${DIR}/.kvp_pool_1`,
      encodePool(Array.from({ length: 409 }, (_, i) => [`k${i}`, 'v'] as [string, string])),
    );
    expect((await channel.readGuestItems()).size).to.equal(409);
  });

  it('reads the guest items from pool 1, and nothing when the guest wrote none yet', async () => {
    const { host, channel } = setup();
    expect((await channel.readGuestItems()).size).to.equal(0);
    host.guestFiles.set(
      `${DIR}/.kvp_pool_1`,
      encodePool([
        ['virtseal.state', 'applied'],
        ['virtseal.pubkey', 'k'.repeat(1500)],
      ]),
    );
    const items = await channel.readGuestItems();
    expect(items.get('virtseal.state')).to.equal('applied');
    expect(items.get('virtseal.pubkey')).to.have.length(1500);
  });

  it('reads nothing from a VM that is off (its status is read before it is started)', async () => {
    const { host, channel } = setup();
    host.on((argv) =>
      argv[4] === 'qemu-agent-command'
        ? { code: 1, stdout: '', stderr: 'error: Requested operation is not valid: domain is not running' }
        : undefined,
    );
    expect((await channel.readGuestItems()).size).to.equal(0);
  });

  it('sends large pools in chunks that fit a command-line argument', async () => {
    const { host, channel } = setup();
    const items = Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v'.repeat(1000)] as const);
    await channel.writeHostItems(items);
    expect(decodePool(host.guestFiles.get(`${DIR}/.kvp_pool_0`)!)).to.have.length(100);
    const longest = Math.max(...host.calls.flatMap((c) => c.argv.map((a) => a.length)));
    expect(longest).to.be.below(128 * 1024);
  });

  it('reads nothing while the guest agent is not up yet, and refuses to write', async () => {
    const { host, channel } = setup();
    host.agentUp = false;
    expect((await channel.readGuestItems()).size).to.equal(0);
    expect(await channel.listHostItems()).to.deep.equal([]);
    const err = await channel.writeHostItems([['a', '1']]).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(GuestAgentUnavailable).with.property('reason', 'guest_agent_unavailable');
  });
});
