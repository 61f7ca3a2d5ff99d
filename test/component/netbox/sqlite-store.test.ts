import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { LaunchPlan } from '../../../src/netbox/map-event';
import { MemoryEventStore } from '../../../src/netbox/memory-store';
import { SqliteEventStore } from '../../../src/netbox/sqlite-store';
import { dedupKey, type EventStore, type NewEvent } from '../../../src/netbox/store';

function ev(request: string, vmId: number, action: LaunchPlan['action'] = 'start'): NewEvent {
  const plan: LaunchPlan = {
    action,
    vmName: `vm-${vmId}`,
    objectId: vmId,
    playbook: `playbooks/${action}.yml`,
    extraVars: { vm_name: `vm-${vmId}` },
  };
  return {
    dedupKey: dedupKey(request, 'updated', 'virtualization.virtualmachine', vmId),
    requestId: request,
    event: 'updated',
    objectType: 'virtualization.virtualmachine',
    objectId: vmId,
    vmName: `vm-${vmId}`,
    state: 'queued',
    reason: null,
    plan,
  };
}

const stores: [string, (dir: string) => EventStore][] = [
  ['sqlite', (dir) => new SqliteEventStore(join(dir, 'q.db'))],
  ['memory', () => new MemoryEventStore()],
];

for (const [kind, open] of stores) {
  describe(`netbox/store (${kind})`, () => {
    let dir: string;
    let store: EventStore;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'virtseal-store-'));
      store = open(dir);
    });
    afterEach(() => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('stores an event once per request id + event + object', () => {
      const first = store.insert(ev('r1', 1), 1000);
      expect(first).to.deep.include({ inserted: true, state: 'queued' });
      expect(store.insert(ev('r1', 1), 2000)).to.deep.include({ inserted: false, id: first.id, state: 'queued' });
      // One bulk edit: same request id, another VM — a different event.
      expect(store.insert(ev('r1', 2), 2000).inserted).to.equal(true);
      expect(store.counts().queued).to.equal(2);
    });

    it('claims in order, one event per VM at a time, and none not yet due', () => {
      store.insert(ev('a', 1, 'create'), 0);
      store.insert(ev('b', 1, 'start'), 0);
      store.insert(ev('c', 2, 'create'), 0);
      const first = store.claimDue(10, 10);
      expect(first.map((e) => [e.vmName, e.action, e.attempts, e.state])).to.deep.equal([
        ['vm-1', 'create', 1, 'dispatching'],
        ['vm-2', 'create', 1, 'dispatching'],
      ]);
      expect(store.claimDue(10, 10)).to.deep.equal([]);
      store.markDone(first[0]!.id, 'ok', 11);
      store.markRetry(first[1]!.id, 500, 'HTTP 503', 11);
      const second = store.claimDue(20, 10);
      expect(second.map((e) => e.action)).to.deep.equal(['start']);
      expect(store.claimDue(499, 10)).to.deep.equal([]);
      expect(store.nextDue()).to.equal(500);
      expect(store.claimDue(500, 10).map((e) => [e.vmName, e.attempts])).to.deep.equal([['vm-2', 2]]);
    });

    it('keeps a launched event blocking its VM until the job ends', () => {
      const a = store.insert(ev('a', 1, 'create'), 0);
      store.insert(ev('b', 1, 'start'), 0);
      store.claimDue(0, 10);
      store.markLaunched(a.id, 501, 1);
      expect(store.launched().map((e) => e.jobId)).to.deep.equal([501]);
      expect(store.claimDue(2, 10)).to.deep.equal([]);
      store.markFailed(a.id, 'AWX job 501 failed', 3);
      expect(store.claimDue(4, 10).map((e) => e.action)).to.deep.equal(['start']);
    });

    it('prunes only finished events past retention', () => {
      const a = store.insert(ev('a', 1), 0);
      const b = store.insert(ev('b', 2), 0);
      store.insert({ ...ev('c', 3), state: 'ignored', plan: null, reason: 'planned' }, 0);
      store.insert(ev('d', 4), 0);
      store.claimDue(0, 10);
      store.markDone(a.id, 'ok', 10);
      store.markFailed(b.id, 'HTTP 400', 10);
      const pruned = store.prune(100);
      if (kind === 'sqlite') {
        expect(pruned).to.equal(2);
        expect(
          store
            .list({ limit: 10 })
            .map((e) => e.state)
            .sort(),
        ).to.deep.equal(['dispatching', 'failed']);
        // A pruned event's key is free again: NetBox does not resend after the retention period.
        expect(store.insert(ev('a', 1), 200).inserted).to.equal(true);
      } else expect(pruned).to.equal(0);
    });

    it('requeues only failed or uncertain events', () => {
      const a = store.insert(ev('a', 1), 0);
      expect(store.requeue(a.id, 1)).to.equal(false);
      store.claimDue(0, 1);
      store.markFailed(a.id, 'HTTP 400', 1);
      expect(store.requeue(a.id, 2)).to.equal(true);
      expect(store.list({ state: 'queued', limit: 5 }).map((e) => e.id)).to.deep.equal([a.id]);
    });
  });
}

describe('netbox/store (sqlite durability)', () => {
  it('survives reopening; what was being launched comes back uncertain, never queued', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtseal-store-'));
    try {
      const path = join(dir, 'q.db');
      const s1 = new SqliteEventStore(path);
      s1.insert(ev('a', 1), 0);
      s1.insert(ev('b', 2), 0);
      s1.claimDue(0, 1);
      s1.close();
      // The real sqlite3 CLI sees WAL mode and the committed rows.
      expect(
        execFileSync('sqlite3', [path, 'PRAGMA journal_mode; SELECT state FROM events ORDER BY id;'])
          .toString()
          .trim()
          .split('\n'),
      ).to.deep.equal(['wal', 'dispatching', 'queued']);
      const s2 = new SqliteEventStore(path);
      expect(s2.recoverInFlight(5)).to.equal(1);
      const rows = s2.list({ limit: 10 });
      expect(rows.map((e) => [e.vmName, e.state])).to.deep.equal([
        ['vm-2', 'queued'],
        ['vm-1', 'uncertain'],
      ]);
      expect(rows[1]!.plan).to.deep.include({ action: 'start', vmName: 'vm-1' });
      expect(s2.claimDue(10, 10).map((e) => e.vmName)).to.deep.equal(['vm-2']);
      s2.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the database, its -wal and -shm owner-only whatever the umask, and tightens older files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtseal-store-'));
    const umask = process.umask(0o022);
    try {
      const path = join(dir, 'q.db');
      const s1 = new SqliteEventStore(path);
      s1.insert(ev('a', 1), 0);
      for (const f of [path, `${path}-wal`, `${path}-shm`])
        expect((statSync(f).mode & 0o777).toString(8), f).to.equal('600');
      s1.close();
      const old = join(dir, 'old.db');
      writeFileSync(old, '');
      chmodSync(old, 0o644);
      new SqliteEventStore(old).close();
      expect((statSync(old).mode & 0o777).toString(8)).to.equal('600');
    } finally {
      process.umask(umask);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
