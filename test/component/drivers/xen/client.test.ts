import { expect } from 'chai';
import { AuthFailed, HostKeyMismatch, InvalidArgument } from '../../../../src/core/errors';
import { XapiClient } from '../../../../src/drivers/xen/client';
import { checkXenSettings } from '../../../../src/drivers/xen/settings';
import { FakeXapi, selfSignedCertificate } from '../../../../src/sim/xapi/server';

describe('XAPI JSON-RPC client', function () {
  this.timeout(30_000);
  let fake: FakeXapi;
  before(async () => {
    fake = await FakeXapi.start({
      member: true,
      users: { root: { password: 'pw', role: 'pool-admin' }, op: { password: 'pw2', role: 'vm-operator' } },
    });
  });
  after(() => fake.stop());
  afterEach(() => fake.state.faults.clear());

  const settings = (extra: Record<string, unknown> = {}) => ({
    url: fake.url,
    username: 'root',
    password: 'pw',
    fingerprint: fake.tls.fingerprint256,
    ...extra,
  });

  it('pins by fingerprint and sends nothing to a server with another certificate', async () => {
    const before = fake.state.calls.get('session.login_with_password') ?? 0;
    const other = selfSignedCertificate().fingerprint256;
    await XapiClient.connect(settings({ fingerprint: other })).then(
      () => expect.fail('must refuse'),
      (e: unknown) => expect(e).to.be.instanceOf(HostKeyMismatch),
    );
    expect(fake.state.calls.get('session.login_with_password') ?? 0, 'no login reached the server').to.equal(before);
  });

  it('pins by CA: the host certificate itself is accepted, another is refused', async () => {
    const ok = await XapiClient.connect(settings({ fingerprint: undefined, caPem: fake.tls.cert }));
    expect(await ok.call('pool.get_all')).to.have.length(1);
    await ok.close();
    await XapiClient.connect(settings({ fingerprint: undefined, caPem: selfSignedCertificate().cert })).then(
      () => expect.fail('must refuse'),
      (e: unknown) => expect((e as Error).message).to.match(/certificate|self.signed/i),
    );
  });

  it('logs in with an originator, logs out on close, and refuses a wrong password', async () => {
    const c = await XapiClient.connect(settings({ originator: 'virtseal-test' }));
    const session = c.sessionRef!;
    expect(fake.state.sessions.get(session)?.originator).to.equal('virtseal-test');
    await c.close();
    expect(fake.state.sessions.has(session)).to.equal(false);
    await XapiClient.connect(settings({ password: 'nope' })).then(
      () => expect.fail('must refuse'),
      (e: unknown) => expect(e).to.be.instanceOf(AuthFailed),
    );
  });

  it('logs in again once when the session is no longer valid', async () => {
    const c = await XapiClient.connect(settings());
    fake.state.sessions.delete(c.sessionRef!);
    expect(await c.call('pool.get_all')).to.have.length(1);
    expect(c.calls.get('session.login_with_password')).to.equal(2);
    await c.close();
  });

  it('follows HOST_IS_SLAVE to the pool master', async () => {
    const c = await XapiClient.connect(settings({ url: fake.memberUrl }));
    expect(c.masterUrl).to.equal(fake.url);
    expect(await c.call('host.get_all')).to.have.length(1);
    await c.close();
  });

  it('runs Async tasks, parses their XML-RPC result and destroys the task', async () => {
    const c = await XapiClient.connect(settings());
    const [sr] = await c.call('SR.get_all');
    const vdi = await c.call('VDI.create', {
      SR: sr!,
      virtual_size: 1024 ** 2,
      type: 'user',
      sharable: false,
      read_only: false,
      other_config: {},
    });
    const clone = await c.callAsync('VDI.clone', vdi, {});
    expect(clone).to.match(/^OpaqueRef:/);
    expect(fake.state.db.all('task')).to.deep.equal([]);
    await c.close();
  });

  it('turns a failed task into the XAPI error and survives EVENTS_LOST while waiting', async () => {
    const c = await XapiClient.connect(settings());
    fake.state.faults.add({ operation: 'event.from', count: 1, error: 'EVENTS_LOST' });
    await c.callAsync('VDI.clone', 'OpaqueRef:missing', {}).then(
      () => expect.fail('must fail'),
      (e: unknown) => expect((e as Error).message).to.match(/no longer exists|HANDLE_INVALID/),
    );
    expect(fake.state.faults.firedCounts()).to.deep.equal([1]);
    await c.close();
  });

  it('reports the role a call needs (RBAC_PERMISSION_DENIED)', async () => {
    const c = await XapiClient.connect(settings({ username: 'op', password: 'pw2' }));
    await c.call('VM.set_VCPUs_max', 'OpaqueRef:x', 2).then(
      () => expect.fail('must fail'),
      (e: unknown) => expect((e as Error).message).to.match(/vm-admin/),
    );
    await c.close();
  });

  it('validates settings before connecting, naming the option', () => {
    const base = { url: 'https://pool', username: 'root', password: 'x', fingerprint: 'AA'.repeat(32) };
    expect(() => checkXenSettings({ ...base, url: 'http://pool' })).to.throw(InvalidArgument, /xapi_url/);
    expect(() => checkXenSettings({ ...base, fingerprint: undefined })).to.throw(
      InvalidArgument,
      /xapi_ca_file or xapi_fingerprint/,
    );
    expect(() => checkXenSettings({ ...base, fingerprint: 'zz' })).to.throw(InvalidArgument, /xapi_fingerprint/);
    expect(checkXenSettings({ ...base, fingerprint: 'aa'.repeat(32) }).fingerprint).to.equal(
      Array(32).fill('AA').join(':'),
    );
  });
});
