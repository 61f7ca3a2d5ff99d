import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parseEvent, PayloadError, statusTransition } from '../../../src/netbox/payload';

const fixture = () =>
  JSON.parse(
    readFileSync(new URL('../../fixtures/netbox/vm-updated-staged-to-active-v4.6.json', import.meta.url), 'utf8'),
  );

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(PayloadError);
    return (error as PayloadError).field;
  }
  throw new Error('no error');
}

describe('netbox/payload', () => {
  it('reads the NetBox 4.6 payload (object_type) and its staged → active transition', () => {
    const ev = parseEvent(fixture());
    expect(ev).to.include({
      event: 'updated',
      objectType: 'virtualization.virtualmachine',
      typeKey: 'object_type',
      username: 'jdoe',
    });
    expect(ev.requestId).to.equal('5b0c3a6e-7d2f-4f7e-9a51-2f4a1c9e8d10');
    expect(statusTransition(ev)).to.deep.equal({ from: 'staged', to: 'active' });
  });

  it('reads the pre-4.4 bare `model` name and the 4.1+ object_* event spelling', () => {
    const body = fixture();
    body.model = 'virtualmachine';
    delete body.object_type;
    body.event = 'object_updated';
    const ev = parseEvent(body);
    expect(ev).to.include({ event: 'updated', objectType: 'virtualization.virtualmachine', typeKey: 'model' });
  });

  it('takes the status from data on create (no prechange) and at deletion (no postchange)', () => {
    const created = fixture();
    created.event = 'created';
    created.snapshots.prechange = null;
    created.data.status = { value: 'staged', label: 'Staged' };
    expect(statusTransition(parseEvent(created))).to.deep.equal({ to: 'staged' });
    const deleted = fixture();
    deleted.event = 'deleted';
    deleted.snapshots.postchange = null;
    deleted.snapshots.prechange.status = 'offline';
    deleted.data.status = { value: 'offline', label: 'Offline' };
    expect(statusTransition(parseEvent(deleted))).to.deep.equal({ from: 'offline', to: 'offline' });
  });

  it('names the missing or wrong field', () => {
    const without = (key: string) => {
      const b = fixture();
      delete b[key];
      return b;
    };
    expect(fieldOf(() => parseEvent(without('event')))).to.equal('event');
    expect(fieldOf(() => parseEvent(without('object_type')))).to.equal('object_type');
    expect(fieldOf(() => parseEvent(without('request_id')))).to.equal('request_id');
    expect(fieldOf(() => parseEvent(without('data')))).to.equal('data');
    expect(fieldOf(() => parseEvent({ ...fixture(), event: 'exploded' }))).to.equal('event');
    expect(fieldOf(() => parseEvent([1, 2]))).to.equal('(body)');
  });
});
