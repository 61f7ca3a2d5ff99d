import { expect } from 'chai';
import { APPLIED_KEY, HELLO_KEY, STATUS_KEY } from '../../../src/seal/constants';
import { configDigest } from '../../../src/seal/crypto';
import type { GuestConfig } from '../../../src/seal/guest-config';
import { readGuestConfigStatus } from '../../../src/seal/guest-status';
import { buildPayload } from '../../../src/seal/payload';
import { MemoryChannel } from '../../helpers/memory-guest';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const VM = '5c0ffee0-1234-4321-abcd-00155d010203';
const SALT = '0123456789abcdef0123456789abcdef';
const config: GuestConfig = { hostname: 'web01', admin: { name: 'alice', password: 'first-Password-1' } };
const record = (vm: string, c: GuestConfig): string =>
  `3 ${vm} ${A} ${SALT} ${configDigest(buildPayload(c), vm, Buffer.from(SALT, 'hex')).toString('hex')} ${'e'.repeat(64)}`;

describe('seal/guest-status (readGuestConfigStatus)', () => {
  it('reports none, pending, applying, failed with its reason, and applied from the applied record', async () => {
    const ch = new MemoryChannel();
    expect(await readGuestConfigStatus(ch)).to.deep.equal({ state: 'none' });
    ch.guest.set(APPLIED_KEY, record(VM, config));
    expect(await readGuestConfigStatus(ch, { vmId: VM, config })).to.deep.equal({
      state: 'applied',
      attemptId: A,
      applied: 'this_config',
    });
    ch.guest.set(HELLO_KEY, `3 ${VM} ${B} ${'c'.repeat(64)} AAAA AAAA AAAA`);
    expect(await readGuestConfigStatus(ch)).to.deep.equal({ state: 'pending', attemptId: B });
    ch.guest.set(STATUS_KEY, `applying ${B} - ${'d'.repeat(64)}`);
    expect(await readGuestConfigStatus(ch)).to.deep.equal({ state: 'applying', attemptId: B });
    ch.guest.set(STATUS_KEY, `failed ${B} apply_admin -`);
    expect(await readGuestConfigStatus(ch)).to.deep.equal({ state: 'failed', attemptId: B, reason: 'apply_admin' });
  });

  it('a changed config (rotated password) is not "applied this config"', async () => {
    const ch = new MemoryChannel();
    ch.guest.set(APPLIED_KEY, record(VM, config));
    const rotated = { ...config, admin: { ...config.admin!, password: 'second-Password-2' } };
    expect(await readGuestConfigStatus(ch, { vmId: VM, config: rotated })).to.deep.equal({
      state: 'applied',
      attemptId: A,
      applied: 'other_config',
    });
  });

  it('a clone (the record of another VM id) is recognised', async () => {
    const ch = new MemoryChannel();
    ch.guest.set(APPLIED_KEY, record('11111111-2222-3333-4444-555555555555', config));
    expect(await readGuestConfigStatus(ch, { vmId: VM.toUpperCase(), config })).to.include({ applied: 'other_vm' });
  });

  it('an unauthenticated marker (protocol 2 `virtseal.applied <attempt>`, or an "applied" status) is not applied', async () => {
    const ch = new MemoryChannel();
    ch.guest.set(APPLIED_KEY, A);
    expect(await readGuestConfigStatus(ch, { vmId: VM, config })).to.deep.equal({ state: 'none' });
    ch.guest.set(STATUS_KEY, `applied ${A} - ${'0'.repeat(64)}`);
    expect(await readGuestConfigStatus(ch, { vmId: VM, config })).to.deep.equal({ state: 'none' });
  });

  it('ignores malformed items', async () => {
    const ch = new MemoryChannel();
    ch.guest.set(STATUS_KEY, 'applied; rm -rf /');
    ch.guest.set(APPLIED_KEY, 'yes');
    expect(await readGuestConfigStatus(ch)).to.deep.equal({ state: 'none' });
  });
});
