/** The guest bridge against the pool-file contract, with a stand-in agent (the real one runs in test/integration). */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeSim, openSim, basicSpec, type SimFixture } from '../drivers/hyperv/sim-fixture';
import { InvalidArgument } from '../../../src/core/errors';
import { decodePool, encodePool, RECORD_BYTES } from '../../../src/seal/kvp-pool-file';
import { readPool, writePool } from '../../../src/sim/kvp-pool-file';

describe('sim/kvp-pool-file', () => {
  it('encodes 2,560-byte NUL-padded records and decodes them back, ignoring a partial tail', () => {
    const items: [string, string][] = [
      ['k', 'v'],
      ['ключ', '🚀'.repeat(100)],
    ];
    const buf = encodePool(items);
    expect(buf.length).to.equal(2 * RECORD_BYTES);
    expect(buf.readUInt8(1)).to.equal(0);
    expect(decodePool(Buffer.concat([buf, Buffer.alloc(100, 65)]))).to.deep.equal(items);
    expect(() => encodePool([['k', 'x'.repeat(2048)]])).to.throw(InvalidArgument);
    expect(() => encodePool([['k'.repeat(512), 'x']])).to.throw(InvalidArgument);
    expect(readPool('/nonexistent/pool')).to.deep.equal([]);
  });
});

describe('sim/guest-bridge', () => {
  let f: SimFixture;
  before(async () => {
    f = await openSim({
      guestAgent: true,
      agentCommand: [process.execPath, 'test/component/sim/fixtures/echo-agent.mjs'],
    });
  });
  after(() => closeSim(f));

  it('boots the agent with pool 0/3 files, bridges host writes in and guest items out', async () => {
    const vm = await f.hv.vms.createVm({ spec: basicSpec('bridge-vm') });
    const channel = f.hv.guestChannel({ vmId: vm.id });
    await channel.writeHostItems([['greeting', "O'Brien 🚀"]]);
    await f.hv.power.start({ id: vm.id });
    const sim = f.running.sim.registry.vm(vm.id)!;
    const dirs = f.running.bridge.dirs(sim);
    expect(Object.fromEntries(readPool(join(dirs.kvp, '.kvp_pool_3')))).to.deep.equal({
      VirtualMachineId: vm.id.toUpperCase(),
      VirtualMachineName: 'bridge-vm',
      HostName: 'HV-SIM01',
    });
    expect(readPool(join(dirs.kvp, '.kvp_pool_0'))).to.deep.equal([['greeting', "O'Brien 🚀"]]);
    expect(existsSync(join(dirs.root, 'etc', 'passwd'))).to.equal(true);
    await channel.writeHostItems([['done', 'yes']]);
    expect(await f.running.bridge.runs.get(vm.id)!.exited).to.equal(0);
    const guest = await channel.readGuestItems();
    expect(guest.get('name')).to.equal('bridge-vm');
    expect(guest.get('echo.greeting')).to.equal("O'Brien 🚀");
    expect(guest.get('echo.done')).to.equal('yes');
    await channel.removeHostItems(['greeting']);
    expect(readPool(join(dirs.kvp, '.kvp_pool_0')).map(([k]) => k)).to.deep.equal(['done']);
  });

  it('stops the agent when the VM is turned off and keeps the state dir for the next boot', async () => {
    const vm = await f.hv.vms.createVm({ spec: basicSpec('halt-vm') });
    await f.hv.power.start({ id: vm.id });
    const run = f.running.bridge.runs.get(vm.id)!;
    await f.hv.power.turnOff({ id: vm.id });
    expect(await run.exited).to.not.equal(0);
    const dirs = f.running.bridge.dirs(f.running.sim.registry.vm(vm.id)!);
    expect(existsSync(dirs.state)).to.equal(true);
    writePool(join(dirs.kvp, '.kvp_pool_1'), [['x', 'y']]);
    expect(readFileSync(join(dirs.kvp, '.kvp_pool_1')).length).to.equal(RECORD_BYTES);
  });
});
