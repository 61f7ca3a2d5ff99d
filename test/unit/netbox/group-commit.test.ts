import { expect } from 'chai';
import { GroupCommit } from '../../../src/netbox/group-commit';
import { MemoryEventStore } from '../../../src/netbox/memory-store';
import type { NewEvent } from '../../../src/netbox/store';

const ev = (key: string): NewEvent => ({
  dedupKey: key,
  requestId: key,
  event: 'updated',
  objectType: 'virtualization.virtualmachine',
  objectId: 1,
  vmName: 'a',
  state: 'ignored',
  reason: 'x',
  plan: null,
});

describe('netbox/group-commit', () => {
  it('stores what arrives in one turn of the event loop in one batch, answering each caller', async () => {
    const store = new MemoryEventStore();
    const batches: number[] = [];
    const insertMany = store.insertMany.bind(store);
    store.insertMany = (events, now) => {
      batches.push(events.length);
      return insertMany(events, now);
    };
    const commits = new GroupCommit(store);
    const first = await Promise.all([commits.insert(ev('r1')), commits.insert(ev('r2')), commits.insert(ev('r1'))]);
    expect(batches).to.deep.equal([3]);
    expect(first.map((o) => [o.id, o.inserted])).to.deep.equal([
      [1, true],
      [2, true],
      [1, false],
    ]);
    await commits.insert(ev('r3'));
    expect(batches).to.deep.equal([3, 1]);
  });

  it('fails every caller of a batch whose commit fails', async () => {
    const store = new MemoryEventStore();
    store.insertMany = () => {
      throw new Error('disk full');
    };
    const commits = new GroupCommit(store);
    const results = await Promise.allSettled([commits.insert(ev('a')), commits.insert(ev('b'))]);
    expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
  });
});
