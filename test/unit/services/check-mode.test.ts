import { expect } from 'chai';
import { Conflict } from '../../../src/core/errors';
import { checkModePolicy } from '../../../src/services/session';

describe('services/session check-mode policy', () => {
  it('throws a refusal an earlier task may lift in a real run, and only warns in check mode', () => {
    const refusal = new Conflict('VM is running; stop it first');
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    expect(() => checkModePolicy(false).unlessEarlierTask(refusal, 'fails unless stopped', warn)).to.throw(refusal);
    expect(warnings).to.deep.equal([]);
    checkModePolicy(true).unlessEarlierTask(refusal, 'fails unless stopped', warn);
    expect(warnings).to.deep.equal(['fails unless stopped']);
  });

  it('takes the host lock around the work in a real run, and none in check mode', async () => {
    for (const active of [false, true]) {
      const events: string[] = [];
      const take = async (run: () => Promise<string>) => {
        events.push('lock');
        const r = await run();
        events.push('unlock');
        return r;
      };
      const result = await checkModePolicy(active).locked(take, async () => {
        events.push('work');
        return 'done';
      });
      expect(result).to.equal('done');
      expect(events).to.deep.equal(active ? ['work'] : ['lock', 'work', 'unlock']);
    }
  });
});
