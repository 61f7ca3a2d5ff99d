import { expect } from 'chai';
import { ManualClock } from '../../../src/core/clock';
import { GuestFailed, InvalidArgument } from '../../../src/core/errors';
import type { GuestConfig } from '../../../src/seal/guest-config';
import { HLVMM_V1_WARNING } from '../../../src/seal/hlvmm-v1/host-exchange';
import { runSealedExchange, type SealedExchangeOptions } from '../../../src/seal/host-exchange';
import { HlvmmV1Guest } from './hlvmm-v1-guest';
import { MemoryChannel } from './memory-guest';

const VM = '5c0ffee0-1234-4321-abcd-00155d010203';
const longKey = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${'Q'.repeat(120)} ansible@ctl`;
const config: GuestConfig = {
  protocol: 'hlvmm-v1',
  hostname: 'web01',
  domain: 'example.com',
  nics: [{ ipv4_address: '192.0.2.10/24', ipv4_gateway: '192.0.2.1', dns_servers: ['192.0.2.53', '192.0.2.54'] }],
  admin: { name: 'localadmin', password: 'Secret-1!' },
  ansible: { user: 'ansible', ssh_authorized_keys: [longKey] },
};

async function drive(options: Omit<SealedExchangeOptions, 'clock'>): Promise<unknown> {
  const clock = new ManualClock();
  let settled = false;
  const run = runSealedExchange({ ...options, clock }).then((r) => ((settled = true), r), (e) => ((settled = true), e as unknown));
  while (!settled) {
    await new Promise((r) => setImmediate(r));
    clock.advance(250);
  }
  return run;
}

describe('seal/hlvmm-v1 (opt-in compatibility)', function () {
  this.timeout(60_000);
  for (const flavour of ['linux', 'windows'] as const) {
    it(`completes the exchange with a v1 ${flavour} guest, warns, and removes every host item`, async () => {
      const channel = new MemoryChannel();
      const written: string[] = [];
      const write = channel.writeHostItems.bind(channel);
      channel.writeHostItems = async (items) => (written.push(...items.map(([k]) => k)), write(items));
      const guest = new HlvmmV1Guest(channel, { version: '1.5.400', flavour });
      const warnings: string[] = [];
      const result = await drive({ channel, vmId: VM, config, timeoutMs: 60_000, hlvmmVersion: '1.5.400', warn: (m) => warnings.push(m) });
      expect(result).to.include({ protocol: 'hlvmm-v1', state: 'applied' });
      expect(warnings).to.deep.equal([HLVMM_V1_WARNING]);
      expect(guest.data.get('hlvmm.data.guest_host_name')).to.equal('web01');
      expect(guest.data.get('hlvmm.data.guest_la_pw')).to.equal('Secret-1!');
      expect(guest.data.get('hlvmm.data.guest_v4_cidr_prefix')).to.equal('24');
      expect(guest.data.get('hlvmm.data.guest_v4_dns2')).to.equal('192.0.2.54');
      expect(guest.data.get('hlvmm.data.guest_net_dns_suffix')).to.equal('example.com');
      expect(guest.data.get('hlvmm.data.ansible_ssh_key')).to.equal(longKey);
      expect(written).to.include('hlvmm.data.ansible_ssh_key._1');
      expect(written.indexOf('hlvmm.meta.version')).to.be.lessThan(written.indexOf('hlvmm.meta.host_provisioning_system_state'));
      expect(written.at(-1)).to.equal('hlvmm.meta.host_provisioning_system_state');
      expect(channel.host.size).to.equal(0);
    });
  }

  const refusals: [string, GuestConfig, string, RegExp][] = [
    ['a quote in the password', { ...config, admin: { name: 'localadmin', password: "it's-Secret1" } }, 'guest_config.admin.password', /quote/],
    ['a double quote in the domain password', { ...config, domain_join: { domain: 'corp.example.com', user: 'j', password: 'a"b', ou: 'OU=S,DC=corp,DC=example,DC=com' } }, 'guest_config.domain_join.password', /quote/],
    ['shell metacharacters in the Ansible user', { ...config, ansible: { user: 'x;touch /tmp/p', ssh_authorized_keys: [longKey] } }, 'guest_config.ansible.user', /letters|eval/],
    ['an upper-case Ansible user', { ...config, ansible: { user: 'Ansible', ssh_authorized_keys: [longKey] } }, 'guest_config.ansible.user', /eval/],
    ['IPv6', { ...config, nics: [{ ipv6_address: '2001:db8::1/64' }] }, 'guest_config.nics[0].ipv6_address', /hlvmm-v1/],
    ['a time zone', { ...config, timezone: 'UTC' }, 'guest_config.timezone', /hlvmm-v1/],
  ];
  for (const [what, bad, path, message] of refusals) {
    it(`refuses ${what} before sending anything`, async () => {
      const channel = new MemoryChannel();
      new HlvmmV1Guest(channel, { version: '1', flavour: 'linux' });
      const err = await drive({ channel, vmId: VM, config: bad, timeoutMs: 5_000, hlvmmVersion: '1' });
      expect(err).to.be.instanceOf(InvalidArgument);
      expect((err as InvalidArgument).message).to.contain(path).and.match(message);
      expect(channel.writeBatches).to.deep.equal([]);
    });
  }

  it('turns a v1 provisioningfailed into GuestFailed and still cleans up', async () => {
    const channel = new MemoryChannel();
    new HlvmmV1Guest(channel, { version: '2', flavour: 'linux', failApply: true });
    const err = await drive({ channel, vmId: VM, config, timeoutMs: 60_000, hlvmmVersion: '2' });
    expect(err).to.be.instanceOf(GuestFailed);
    expect((err as Error).message).to.match(/apply failed/);
    expect(channel.host.size).to.equal(0);
  });
});
