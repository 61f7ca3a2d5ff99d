import { expect } from 'chai';
import { APPLIED_KEY, HELLO_KEY, STATUS_KEY } from '../../../src/seal/constants';
import { readGuestConfigStatus } from '../../../src/seal/guest-status';
import { MemoryChannel } from './memory-guest';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

describe('seal/guest-status (readGuestConfigStatus)', () => {
  it('reports none, pending, applying, failed with its reason, and applied from the marker', async () => {
    const ch = new MemoryChannel();
    expect(await readGuestConfigStatus(ch)).to.deep.equal({ state: 'none' });
    ch.guest.set(APPLIED_KEY, A);
    expect(await readGuestConfigStatus(ch)).to.deep.equal({ state: 'applied', attemptId: A });
    ch.guest.set(HELLO_KEY, `2 vm ${B} ${'c'.repeat(64)} AAAA`);
    expect(await readGuestConfigStatus(ch)).to.deep.equal({ state: 'pending', attemptId: B });
    ch.guest.set(STATUS_KEY, `applying ${B} - ${'d'.repeat(64)}`);
    expect(await readGuestConfigStatus(ch)).to.deep.equal({ state: 'applying', attemptId: B });
    ch.guest.set(STATUS_KEY, `failed ${B} apply_admin -`);
    expect(await readGuestConfigStatus(ch)).to.deep.equal({ state: 'failed', attemptId: B, reason: 'apply_admin' });
  });

  it('ignores malformed items', async () => {
    const ch = new MemoryChannel();
    ch.guest.set(STATUS_KEY, 'applied; rm -rf /');
    ch.guest.set(APPLIED_KEY, 'yes');
    expect(await readGuestConfigStatus(ch)).to.deep.equal({ state: 'none' });
  });
});
