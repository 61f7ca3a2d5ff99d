import { expect } from 'chai';
import { ManualClock } from '../../../src/core/clock';
import { OperationTimeout } from '../../../src/core/errors';
import { waitFor } from '../../../src/core/wait';

describe('core/wait', () => {
  it('polls at once and then with growing delays until the probe answers', async () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    let calls = 0;
    const done = waitFor(
      async () => {
        seen.push(clock.now());
        calls += 1;
        return calls === 4 ? 'ready' : undefined;
      },
      { timeoutMs: 10_000, initialDelayMs: 100, factor: 2, clock, what: 'test' },
    );
    for (let i = 0; i < 10 && calls < 4; i++) {
      await new Promise((r) => setImmediate(r));
      clock.advance(1_000);
    }
    expect(await done).to.equal('ready');
    expect(seen[0]).to.equal(0);
    expect(seen.length).to.equal(4);
  });

  it('throws OperationTimeout naming what it waited for', async () => {
    const clock = new ManualClock();
    const outcome = waitFor(async () => undefined, { timeoutMs: 500, clock, what: 'the guest report' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setImmediate(r));
      clock.advance(100);
    }
    const error = await outcome;
    expect(error).to.be.instanceOf(OperationTimeout);
    expect((error as Error).message).to.match(/the guest report/);
  });
});
