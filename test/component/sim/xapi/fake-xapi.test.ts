/**
 * The fake XAPI against XAPI's published data model and against the xenstore semantics measured on Xen 4.17 with
 * oxenstored (docs/xen.md): live set_xenstore_data versus DB-only add_to_, the vm-data filter, the permission
 * change after a live push, the size limits, mirroring of guest writes, and copying on clone.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { makeSubset, renderTypes, SUBSET_PATH, TYPES_PATH, formatSubset } from '../../../../build/gen-xenapi';
import { MESSAGES } from '../../../../src/sim/xapi/model';
import { FakeXapi } from '../../../../src/sim/xapi/server';
import { XapiFailure } from '../../../../src/sim/xapi/state';
import { XenstoreError } from '../../../../src/sim/xapi/xenstore';

describe('fake XAPI', function () {
  this.timeout(30_000);
  let fake: FakeXapi;
  let session: string;
  const call = (method: string, ...args: unknown[]) => fake.dispatch(method, [session, ...args]);
  const fails = async (p: Promise<unknown>, code: string) =>
    p.then(
      () => expect.fail(`expected ${code}`),
      (e: unknown) => {
        expect(e).to.be.instanceOf(XapiFailure);
        expect((e as XapiFailure).code).to.equal(code);
        return e as XapiFailure;
      },
    );
  const waitFor = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(check()).to.equal(true);
  };

  beforeEach(async () => {
    fake = await FakeXapi.start({
      users: { root: { password: 'pw', role: 'pool-admin' }, ro: { password: 'pw', role: 'read-only' } },
      timings: { guestIpMs: 10_000 },
    });
    session = (await fake.dispatch('session.login_with_password', ['root', 'pw', '1.0', 'test'])) as string;
  });
  afterEach(() => fake.stop());

  const newVm = async (name = 'vm1') => {
    const vm = (await call('VM.create', {
      name_label: name,
      user_version: 1,
      is_a_template: false,
      affinity: 'OpaqueRef:NULL',
      memory_static_max: 2 ** 30,
      memory_dynamic_max: 2 ** 30,
      memory_dynamic_min: 2 ** 30,
      memory_static_min: 2 ** 30,
      VCPUs_params: {},
      VCPUs_max: 1,
      VCPUs_at_startup: 1,
      actions_after_shutdown: 'destroy',
      actions_after_reboot: 'restart',
      actions_after_crash: 'restart',
      PV_bootloader: '',
      PV_kernel: '',
      PV_ramdisk: '',
      PV_args: '',
      PV_bootloader_args: '',
      PV_legacy_args: '',
      HVM_boot_policy: 'BIOS order',
      HVM_boot_params: {},
      platform: {},
      PCI_bus: '',
      other_config: {},
      recommendations: '',
    })) as string;
    return vm;
  };
  const domid = (vm: string) => Number(fake.state.db.get(vm)!.domid);

  describe('against the published data model', () => {
    it('implements only methods of xenapi.json, with their parameter counts', async () => {
      const impls = Object.keys((fake as unknown as { impls: Record<string, unknown> }).impls);
      for (const m of impls) expect(MESSAGES.has(m), m).to.equal(true);
      expect(MESSAGES.get('VM.clone')!.params.map(([n, t]) => `${t} ${n}`)).to.deep.equal([
        'session ref session_id',
        'VM ref vm',
        'string new_name',
      ]);
      expect(MESSAGES.get('event.from')!.params.map(([, t]) => t)).to.deep.equal([
        'session ref',
        'string set',
        'string',
        'float',
      ]);
      await fails(call('VM.frobnicate', 'x'), 'MESSAGE_METHOD_UNKNOWN');
      const e = await fails(call('VM.clone', 'OpaqueRef:x'), 'MESSAGE_PARAMETER_COUNT_MISMATCH');
      expect(e.params).to.deep.equal(['VM.clone', '3', '2']);
      await fails(call('Async.VM.get_record', 'x'), 'MESSAGE_METHOD_UNKNOWN');
      await fails(fake.dispatch('pool.get_all', ['OpaqueRef:not-a-session']), 'SESSION_INVALID');
    });

    it('keeps the committed subset and types generated from it fresh', () => {
      const subsetText = readFileSync(SUBSET_PATH, 'utf8');
      expect(readFileSync(TYPES_PATH, 'utf8')).to.equal(renderTypes(JSON.parse(subsetText), subsetText));
      const full = process.env.VIRTSEAL_XENAPI_JSON;
      if (!full) {
        console.log(
          '      (set VIRTSEAL_XENAPI_JSON to a copy of xen-api doc/data/xenapi.json to compare the subset with it)',
        );
        return;
      }
      const subset = JSON.parse(subsetText) as { source: string };
      expect(subsetText).to.equal(formatSubset(makeSubset(JSON.parse(readFileSync(full, 'utf8')), subset.source)));
    });

    it('checks roles: a read-only session may read xenstore_data but not set it', async () => {
      const vm = await newVm();
      session = (await fake.dispatch('session.login_with_password', ['ro', 'pw', '1.0', 'test'])) as string;
      expect(await call('VM.get_xenstore_data', vm)).to.deep.equal({});
      await fails(call('VM.set_xenstore_data', vm, {}), 'RBAC_PERMISSION_DENIED');
    });
  });

  describe('xenstore_data as xenopsd treats it', () => {
    it('writes vm-data keys at start, ignores other prefixes, and leaves vm-data guest-owned', async () => {
      const vm = await newVm();
      await call('VM.set_xenstore_data', vm, { 'vm-data/virtseal/hello': 'h', 'other/key': 'x' });
      await call('VM.start', vm, false, false);
      const d = domid(vm);
      expect(fake.state.xs.read(d, 'vm-data/virtseal/hello')).to.equal('h');
      expect(fake.state.xs.exists(0, `/local/domain/${d}/other/key`)).to.equal(false);
      expect(fake.state.xs.perms(0, `/local/domain/${d}/vm-data`)).to.deep.equal([{ domid: d, perm: 'n' }]);
      fake.state.xs.write(d, 'vm-data/virtseal/guest/key', 'pub');
      await waitFor(
        () => (fake.state.db.get(vm)!.xenstore_data as Record<string, string>)['vm-data/virtseal/guest/key'] === 'pub',
      );
    });

    it('set_ is live and leaves vm-data read-only to the guest; add_to_ changes only the database', async () => {
      const vm = await newVm();
      await call('VM.start', vm, false, false);
      const d = domid(vm);
      await call('VM.add_to_xenstore_data', vm, 'vm-data/a', '1');
      expect(fake.state.xs.exists(d, 'vm-data/a'), 'add_to_ waits for the next start').to.equal(false);
      await call('VM.set_xenstore_data', vm, { 'vm-data/b': '2' });
      expect(fake.state.xs.read(d, 'vm-data/b')).to.equal('2');
      expect(fake.state.xs.exists(d, 'vm-data/a'), 'set_ replaced the whole map').to.equal(false);
      expect(fake.state.xs.perms(0, `/local/domain/${d}/vm-data`)[0]).to.deep.equal({ domid: 0, perm: 'n' });
      expect(() => fake.state.xs.write(d, 'vm-data/c', 'x')).to.throw(XenstoreError, 'EACCES');
      expect(() => fake.state.xs.rm(d, 'vm-data/b')).to.throw(XenstoreError, 'EACCES');
      fake.state.xs.write(d, 'data/service/virtseal/status', 'applied');
      fake.state.xs.write(d, 'control/virtseal-status', 'applied');
      await waitFor(() => {
        const gm = fake.state.db.get(vm)!.guest_metrics as string;
        const r = fake.state.db.get(gm);
        return (
          r !== undefined &&
          (r.services as Record<string, string>)['virtseal/status'] === 'applied' &&
          (r.other as Record<string, string>)['virtseal-status'] === 'applied'
        );
      });
    });

    it('enforces 2,048-byte values, 1,000 nodes per guest and 4,096-byte messages for guests', async () => {
      const vm = await newVm();
      await call('VM.start', vm, false, false);
      const d = domid(vm);
      fake.state.xs.write(d, 'data/v', 'A'.repeat(2048));
      expect(() => fake.state.xs.write(d, 'data/v', 'A'.repeat(2049))).to.throw(XenstoreError, 'E2BIG');
      expect(() => {
        for (let i = 0; i < 1001; i++) fake.state.xs.write(d, `data/n${i}`, 'x');
      }).to.throw(XenstoreError, 'EQUOTA');
      await fails(call('VM.set_xenstore_data', vm, { 'vm-data/big': 'B'.repeat(5000) }), 'INTERNAL_ERROR');
    });

    it('copies xenstore_data, other_config and tags on clone', async () => {
      const vm = await newVm();
      await call('VM.set_xenstore_data', vm, { 'vm-data/x': 'y' });
      await call('VM.add_tags', vm, 't');
      const clone = (await call('VM.clone', vm, 'c')) as string;
      expect(fake.state.db.get(clone)!.xenstore_data).to.deep.equal({ 'vm-data/x': 'y' });
      expect(fake.state.db.get(clone)!.tags).to.deep.equal(['t']);
    });
  });

  describe('events', () => {
    it('event.from wakes on the subscribed object only, and inject gives a barrier token', async () => {
      const a = await newVm('a');
      const b = await newVm('b');
      const first = (await call('event.from', [`vm/${a}`], '', 0)) as { token: string; events: { ref: string }[] };
      expect(first.events.map((e) => e.ref)).to.deep.equal([a]);
      const pending = call('event.from', [`VM/${a}`], first.token, 5) as Promise<{
        events: { ref: string; operation: string }[];
      }>;
      await call('VM.set_name_description', b, 'other VM');
      await call('VM.set_name_description', a, 'mine');
      const got = await pending;
      expect(got.events.map((e) => [e.ref, e.operation])).to.deep.equal([[a, 'mod']]);
      const token = (await call('event.inject', 'VM', a)) as string;
      expect(((await call('event.from', ['vm'], token, 0)) as { events: unknown[] }).events).to.have.length(1);
    });

    it('event.next raises EVENTS_LOST when the queue dropped events a reader had not read', async () => {
      await call('event.register', ['vm']);
      for (let i = 0; i < fake.state.db.maxStoredEvents + 5; i++) await newVm(`v${i}`);
      await fails(call('event.next'), 'EVENTS_LOST');
    });
  });
});
