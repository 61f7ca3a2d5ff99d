import { expect } from 'chai';
import type { VirtsealError } from '../../../src/core/errors';
import type { VmOptions as VmModuleOptions } from '../../../src/generated/vm';
import { vmDesiredFromOptions } from '../../../src/services/vm-desired';
import { ensureVm } from '../../../src/services/vm-state';
import { registrySnapshot, startWorld, type SimWorld } from './sim-session';

const base: VmModuleOptions = {
  name: 'web01',
  image: 'debian-12-golden',
  os_disk_size_gb: 20,
  cpu_count: 2,
  memory_mb: 2048,
  nics: [{ network: 'LAN' }],
  tags: ['web'],
};

async function ensure(world: SimWorld, options: VmModuleOptions) {
  const session = await world.open(false);
  try {
    return await ensureVm(session, vmDesiredFromOptions(options), { warn: () => undefined });
  } finally {
    await session.close();
  }
}

async function failure(promise: Promise<unknown>): Promise<VirtsealError> {
  try {
    await promise;
  } catch (error) {
    return error as VirtsealError;
  }
  throw new Error('expected a failure');
}

describe('services/vm-state: a VM is identified by its owner, not its name', function () {
  // The simulator runs the real host scripts in pwsh: each call takes seconds on a loaded machine.
  this.timeout(600_000);
  let world: SimWorld;
  beforeEach(async () => {
    world = await startWorld();
  });
  afterEach(async () => world.stop());

  it('records the owner at create, keeps it through tag changes, and refuses every action for another object', async () => {
    const made = await ensure(world, { ...base, owner: 'netbox/vm/42' });
    expect(made.vm!.tags).to.deep.equal(['web', 'virtseal-owner:netbox/vm/42']);
    const again = await ensure(world, { ...base, owner: 'netbox/vm/42' });
    expect(again.changed, again.changes.join('; ')).to.equal(false);
    const retagged = await ensure(world, { name: 'web01', tags: ['web', 'prod'] });
    expect(retagged.vm!.tags).to.have.members(['web', 'prod', 'virtseal-owner:netbox/vm/42']);
    const before = registrySnapshot(world.registry);
    for (const state of ['present', 'started', 'stopped', 'absent'] as const) {
      const e = await failure(
        ensure(world, { ...(state === 'present' ? base : { name: 'web01' }), state, owner: 'netbox/vm/7' }),
      );
      expect(e.reason, String(e)).to.equal('conflict');
      expect(e.message).to.match(
        /^VM 'web01' \(id [0-9a-f-]+\) belongs to netbox\/vm\/42, not to netbox\/vm\/7: refusing to /,
      );
    }
    expect(registrySnapshot(world.registry)).to.equal(before);
    expect((await ensure(world, { name: 'web01', state: 'absent', owner: 'netbox/vm/42' })).changed).to.equal(true);
  });

  it('never adopts or deletes for an owner a VM that records none; by name (playbooks run by hand) it still works', async () => {
    await ensure(world, { ...base, name: 'web02' });
    const before = registrySnapshot(world.registry);
    const adopt = await failure(ensure(world, { ...base, name: 'web02', owner: 'netbox/vm/42' }));
    expect(adopt.message).to.contain(
      'records no owner (made by hand or by another tool), not to netbox/vm/42: refusing to reconfigure it',
    );
    expect((await failure(ensure(world, { name: 'web02', state: 'absent', owner: 'netbox/vm/42' }))).reason).to.equal(
      'conflict',
    );
    expect(registrySnapshot(world.registry)).to.equal(before);
    expect((await ensure(world, { name: 'web02', state: 'absent' })).changed).to.equal(true);
  });

  it('refuses a tag that would claim ownership', async () => {
    const e = await failure(ensure(world, { ...base, tags: ['virtseal-owner:netbox/vm/1'] }));
    expect(e.message).to.equal(
      'tags: virtseal-owner:netbox/vm/1 uses the reserved prefix virtseal-owner:; set owner instead',
    );
  });
});
