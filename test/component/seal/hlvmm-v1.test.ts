import { expect } from 'chai';
import { EnvelopeRejected, GuestTimeout, InvalidArgument } from '../../../src/core/errors';
import type { GuestConfig } from '../../../src/seal/guest-config';
import { HLVMM_V1_WARNING, V1_UNOBSERVED } from '../../../src/seal/hlvmm-v1/host-exchange';
import { HlvmmV1Guest } from './hlvmm-v1-guest';
import { driveExchange, MemoryChannel } from '../../helpers/memory-guest';

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

describe('seal/hlvmm-v1 (opt-in compatibility)', function () {
  this.timeout(60_000);
  for (const flavour of ['linux', 'windows'] as const) {
    it(`finishes on what a v1 ${flavour} guest really does (its new FQDN), reports what it saw, and removes every host item`, async () => {
      const channel = new MemoryChannel();
      const written: string[] = [];
      const write = channel.writeHostItems.bind(channel);
      channel.writeHostItems = async (items) => {
        written.push(...items.map(([k]) => k));
        return write(items);
      };
      const guest = new HlvmmV1Guest(channel, {
        version: '1.5.400',
        flavour,
        ...(flavour === 'windows' ? { fqdnSuffix: 'example.com' } : {}),
      });
      const warnings: string[] = [];
      const result = await driveExchange({
        channel,
        vmId: VM,
        config,
        timeoutMs: 60_000,
        hlvmmVersion: '1.5.400',
        warn: (m) => warnings.push(m),
      });
      const fqdn = flavour === 'windows' ? 'web01.example.com' : 'web01';
      expect(result).to.deep.include({ protocol: 'hlvmm-v1', state: 'published', unobserved: [V1_UNOBSERVED] });
      expect((result as { observed: string[] }).observed).to.deep.equal([
        'guest published an RSA-2048 key and waitingforaeskey',
        `guest reports FQDN '${fqdn}' (was '${flavour === 'linux' ? 'localhost.localdomain' : 'WIN-7Q2K1M3N4P5'}'): it read the data and applied its hostname`,
      ]);
      expect(warnings[0]).to.equal(HLVMM_V1_WARNING);
      expect(warnings[1]).to.contain(`FQDN '${fqdn}'`).and.contain(`Not observed: ${V1_UNOBSERVED}`);
      // The guest wrote its key and one state, nothing else, ever.
      expect([...channel.guest.keys()].sort()).to.deep.equal([
        'hlvmm.meta.guest_provisioning_public_key',
        'hlvmm.meta.guest_provisioning_system_state',
      ]);
      expect(channel.guest.get('hlvmm.meta.guest_provisioning_system_state')).to.equal('waitingforaeskey');
      expect(guest.phase).to.equal('phase_two');
      expect(guest.data.get('hlvmm.data.guest_host_name')).to.equal('web01');
      expect(guest.data.get('hlvmm.data.guest_la_pw')).to.equal('Secret-1!');
      expect(guest.data.get('hlvmm.data.guest_v4_cidr_prefix')).to.equal('24');
      expect(guest.data.get('hlvmm.data.guest_v4_dns2')).to.equal('192.0.2.54');
      expect(guest.data.get('hlvmm.data.guest_net_dns_suffix')).to.equal('example.com');
      expect(guest.data.get('hlvmm.data.ansible_ssh_key')).to.equal(longKey);
      expect(written).to.include('hlvmm.data.ansible_ssh_key._1');
      expect(written.indexOf('hlvmm.meta.version')).to.be.lessThan(
        written.indexOf('hlvmm.meta.host_provisioning_system_state'),
      );
      expect(written.at(-1)).to.equal('hlvmm.meta.host_provisioning_system_state');
      expect(channel.host.size).to.equal(0);
    });
  }

  const refusals: [string, GuestConfig, string, RegExp][] = [
    [
      'a quote in the password',
      { ...config, admin: { name: 'localadmin', password: "it's-Secret1" } },
      'guest_config.admin.password',
      /quote/,
    ],
    [
      'a double quote in the domain password',
      {
        ...config,
        domain_join: { domain: 'corp.example.com', user: 'j', password: 'a"b', ou: 'OU=S,DC=corp,DC=example,DC=com' },
      },
      'guest_config.domain_join.password',
      /quote/,
    ],
    [
      'shell metacharacters in the Ansible user',
      { ...config, ansible: { user: 'x;touch /tmp/p', ssh_authorized_keys: [longKey] } },
      'guest_config.ansible.user',
      /letters|eval/,
    ],
    [
      'an upper-case Ansible user',
      { ...config, ansible: { user: 'Ansible', ssh_authorized_keys: [longKey] } },
      'guest_config.ansible.user',
      /eval/,
    ],
    [
      'IPv6',
      { ...config, nics: [{ ipv6_address: '2001:db8::1/64' }] },
      'guest_config.nics[0].ipv6_address',
      /hlvmm-v1/,
    ],
    ['a time zone', { ...config, timezone: 'UTC' }, 'guest_config.timezone', /hlvmm-v1/],
  ];
  for (const [what, bad, path, message] of refusals) {
    it(`refuses ${what} before sending anything`, async () => {
      const channel = new MemoryChannel();
      new HlvmmV1Guest(channel, { version: '1', flavour: 'linux' });
      const err = await driveExchange({ channel, vmId: VM, config: bad, timeoutMs: 5_000, hlvmmVersion: '1' });
      expect(err).to.be.instanceOf(InvalidArgument);
      expect((err as InvalidArgument).message)
        .to.contain(path)
        .and.match(message);
      expect(channel.writeBatches).to.deep.equal([]);
    });
  }

  it('times out naming what it waited for when a v1 guest stops silently, and still cleans up', async () => {
    const channel = new MemoryChannel();
    const guest = new HlvmmV1Guest(channel, { version: '2', flavour: 'linux', failApply: true });
    const err = await driveExchange({ channel, vmId: VM, config, timeoutMs: 30_000, hlvmmVersion: '2' });
    expect(guest.log).to.deep.equal(['a module failed']);
    expect(err).to.be.instanceOf(GuestTimeout);
    expect((err as Error).message).to.contain(
      "a v1 guest reports no outcome, and this one never reported its new name 'web01'",
    );
    expect(channel.host.size).to.equal(0);
  });

  it('refuses a v1 guest key under 2048 bits before sealing anything to it', async () => {
    const channel = new MemoryChannel();
    new HlvmmV1Guest(channel, { version: '3', flavour: 'windows', keyBits: 1024 });
    const err = await driveExchange({ channel, vmId: VM, config, timeoutMs: 30_000, hlvmmVersion: '3' });
    expect(err).to.be.instanceOf(EnvelopeRejected);
    expect((err as Error).message).to.contain('1024-bit RSA; at least 2048 bits are required');
    expect([...channel.host.keys()]).to.deep.equal([]);
    expect(channel.writeBatches).to.deep.equal([1, 1]);
  });

  it('refuses a platform without intrinsic items, and a VM already named as asked, before writing anything', async () => {
    const channel = new MemoryChannel();
    new HlvmmV1Guest(channel, { version: '4', flavour: 'linux' });
    (channel as { readIntrinsicItems?: unknown }).readIntrinsicItems = undefined;
    const noPool2 = await driveExchange({ channel, vmId: VM, config, timeoutMs: 5_000, hlvmmVersion: '4' });
    expect(noPool2).to.be.instanceOf(InvalidArgument).with.property('message').that.contains('intrinsic KVP items');
    const named = new MemoryChannel();
    new HlvmmV1Guest(named, { version: '4', flavour: 'linux', initialFqdn: 'WEB01.example.com' });
    const same = await driveExchange({ channel: named, vmId: VM, config, timeoutMs: 5_000, hlvmmVersion: '4' });
    expect(same)
      .to.be.instanceOf(InvalidArgument)
      .with.property('message')
      .that.contains("already reports FQDN 'WEB01.example.com'");
    expect(channel.writeBatches).to.deep.equal([]);
    expect(named.writeBatches).to.deep.equal([]);
  });
});
