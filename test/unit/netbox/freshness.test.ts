import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ManualClock } from '../../../src/core/clock';
import { Dispatcher } from '../../../src/netbox/dispatcher';
import { FRESHNESS, weakSecret } from '../../../src/netbox/signature';
import { SqliteEventStore } from '../../../src/netbox/sqlite-store';
import { dedupKey } from '../../../src/netbox/store';

describe('netbox webhook freshness and secret strength', () => {
  it('remembers a finished request id for at least the freshness window, whatever --retain-days says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtseal-fresh-'));
    const store = new SqliteEventStore(join(dir, 'q.db'));
    try {
      const t0 = 1_800_000_000_000;
      const key = dedupKey('req-1', 'deleted', 'virtualization.virtualmachine', 7);
      const row = store.insert(
        {
          dedupKey: key,
          requestId: 'req-1',
          event: 'deleted',
          objectType: 'virtualization.virtualmachine',
          objectId: 7,
          vmName: 'a',
          state: 'ignored',
          reason: 'x',
          plan: null,
        },
        t0,
      );
      const clock = new ManualClock(t0 + FRESHNESS.maxAgeMs);
      const launcher = { name: 'none', launch: async () => ({ kind: 'failed' as const, error: 'unused' }) };
      const d = new Dispatcher({ store, launcher, log: { log: () => undefined }, clock, retainMs: 1_000 });
      d.start();
      await new Promise((r) => setImmediate(r));
      await d.stop();
      expect(
        store.insert(
          {
            dedupKey: key,
            requestId: 'req-1',
            event: 'deleted',
            objectType: 'virtualization.virtualmachine',
            objectId: 7,
            vmName: 'a',
            state: 'ignored',
            reason: 'x',
            plan: null,
          },
          clock.now(),
        ),
      ).to.deep.include({ id: row.id, inserted: false });
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses short or low-variety webhook secrets and accepts random ones', () => {
    expect(weakSecret('local-webhook-canary-3c3')).to.match(/^is 24 characters; at least 32/);
    expect(weakSecret('ab'.repeat(40))).to.match(/too few distinct characters \(about 80 bits/);
    expect(weakSecret('0123456789abcdef0123456789abcdef')).to.equal(undefined);
    expect(weakSecret('q0X2pDk9vT7rYw3mZs5bNc8hLf1aJe4uGi6oRt0Wx2E=')).to.equal(undefined);
  });
});
