import { expect } from 'chai';
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { InvalidArgument } from '../../../src/core/errors';
import type { GuestConfig } from '../../../src/seal/guest-config';
import { assertGuestConfig, validateGuestConfig } from '../../../src/seal/guest-config-validate';

const good: GuestConfig = {
  hostname: 'web01',
  domain: 'example.com',
  timezone: 'Europe/Berlin',
  nics: [
    {
      mac: '00:15:5d:01:02:03',
      ipv4_address: '192.0.2.10/24',
      ipv4_gateway: '192.0.2.1',
      dns_servers: ['192.0.2.53'],
      ipv6_address: '2001:db8::10/64',
      ipv6_gateway: '2001:db8::1',
    },
  ],
  admin: { name: 'alice', password: 'pw' },
  ansible: { user: 'ansible', ssh_authorized_keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK ansible@ctl'] },
};
const paths = (c: GuestConfig): string[] => validateGuestConfig(c).map((p) => p.path);

describe('seal/guest-config-validate', () => {
  it('accepts a complete valid config', () => {
    expect(validateGuestConfig(good)).to.deep.equal([]);
  });

  const cases: [string, GuestConfig, string, RegExp][] = [
    ['bad CIDR', { nics: [{ ipv4_address: '192.0.2.300/24' }] }, 'guest_config.nics[0].ipv4_address', /CIDR/],
    ['CIDR without prefix', { nics: [{ ipv4_address: '192.0.2.3' }] }, 'guest_config.nics[0].ipv4_address', /CIDR/],
    [
      'network address',
      { nics: [{ ipv4_address: '192.0.2.0/24' }] },
      'guest_config.nics[0].ipv4_address',
      /network address/,
    ],
    [
      'gateway outside subnet',
      { nics: [{ ipv4_address: '192.0.2.10/24', ipv4_gateway: '198.51.100.1' }] },
      'guest_config.nics[0].ipv4_gateway',
      /outside the subnet/,
    ],
    [
      'gateway without address',
      { nics: [{ ipv4_gateway: '192.0.2.1' }] },
      'guest_config.nics[0].ipv4_gateway',
      /static ipv4_address/,
    ],
    ['IPv6 syntax', { nics: [{ ipv6_address: '2001:db8:::1/64' }] }, 'guest_config.nics[0].ipv6_address', /IPv6/],
    [
      'IPv6 group too long',
      { nics: [{ ipv6_address: '2001:db8::12345/64' }] },
      'guest_config.nics[0].ipv6_address',
      /IPv6/,
    ],
    [
      'IPv6 gateway outside',
      { nics: [{ ipv6_address: '2001:db8::10/64', ipv6_gateway: '2001:db9::1' }] },
      'guest_config.nics[0].ipv6_gateway',
      /outside the subnet/,
    ],
    [
      'DNS server',
      { nics: [{ dns_servers: ['8.8.8'] }] },
      'guest_config.nics[0].dns_servers[0]',
      /not an IPv4 or IPv6/,
    ],
    [
      'missing password for a new user',
      { admin: { name: 'alice' } },
      'guest_config.admin.password',
      /required for the new user 'alice'/,
    ],
    [
      'both password and hash',
      { admin: { name: 'alice', password: 'x', password_hash: '$6$a$b' } },
      'guest_config.admin.password_hash',
      /not both/,
    ],
    ['bad hash', { admin: { name: 'alice', password_hash: 'plain' } }, 'guest_config.admin.password_hash', /crypt/],
    [
      'user name with shell metacharacters',
      { ansible: { user: 'x;touch /tmp/p', ssh_authorized_keys: ['ssh-ed25519 AAAA a'] } },
      'guest_config.ansible.user',
      /letters, digits/,
    ],
    [
      'ansible without keys',
      { ansible: { user: 'ansible', ssh_authorized_keys: [] } },
      'guest_config.ansible.ssh_authorized_keys',
      /at least one key/,
    ],
    [
      'bad ssh key',
      { admin: { name: 'a', password: 'p', ssh_authorized_keys: ['not a key'] } },
      'guest_config.admin.ssh_authorized_keys[0]',
      /OpenSSH/,
    ],
    ['bad hostname', { hostname: 'web_01' }, 'guest_config.hostname', /DNS label/],
    [
      'long hostname for domain join',
      { hostname: 'averyveryverylongname', domain_join: { domain: 'corp.example.com', user: 'j', password: 'p' } },
      'guest_config.hostname',
      /15 characters/,
    ],
    [
      'missing domain password',
      { domain_join: { domain: 'corp.example.com', user: 'j', password: '' } },
      'guest_config.domain_join.password',
      /required/,
    ],
    [
      'bad OU',
      { domain_join: { domain: 'corp.example.com', user: 'j', password: 'p', ou: 'Servers' } },
      'guest_config.domain_join.ou',
      /distinguished name/,
    ],
    ['two NICs without MAC', { nics: [{}, {}] }, 'guest_config.nics[0].mac', /required when more than one NIC/],
    [
      'duplicate MAC',
      { nics: [{ mac: '00:15:5d:00:00:01' }, { mac: '00-15-5D-00-00-01' }] },
      'guest_config.nics[1].mac',
      /more than one NIC/,
    ],
    ['timezone', { timezone: 'Europe/../etc' }, 'guest_config.timezone', /IANA/],
    ['user_data', { user_data: 'packages: [x]' }, 'guest_config.user_data', /#cloud-config/],
  ];
  for (const [name, config, path, message] of cases) {
    it(`rejects ${name} naming ${path}`, () => {
      const problems = validateGuestConfig(config);
      const hit = problems.find((p) => p.path === path);
      expect(hit, JSON.stringify(problems)).to.not.equal(undefined);
      expect(hit!.message)
        .to.match(message)
        .and.match(new RegExp(`^${path.replace(/[[\].]/g, '\\$&')}: `));
    });
  }

  it('gives one message per bad field and throws InvalidArgument naming the first', () => {
    const config: GuestConfig = { hostname: '-x', nics: [{ ipv4_address: '10.0.0.1/33', ipv4_gateway: 'abc' }] };
    expect(paths(config)).to.deep.equal([
      'guest_config.hostname',
      'guest_config.nics[0].ipv4_address',
      'guest_config.nics[0].ipv4_gateway',
    ]);
    try {
      assertGuestConfig(config);
      expect.fail('should throw');
    } catch (e) {
      expect(e).to.be.instanceOf(InvalidArgument);
      expect((e as InvalidArgument).option).to.equal('guest_config.hostname');
      expect((e as Error).message.split('; ')).to.have.length(3);
    }
  });

  it('never puts a password into a message', () => {
    const secret = 'CanarySecret-9f1b';
    const msgs = validateGuestConfig({
      admin: { name: 'a', password: `${secret}\n` },
      domain_join: { domain: 'x.y', user: 'u', password: `${secret}\n` },
    });
    expect(msgs.length).to.be.greaterThan(0);
    for (const m of msgs) expect(m.message).to.not.contain(secret);
  });

  it('schema fragment compiles, documents every property and marks secrets x-no-log', () => {
    const schema = JSON.parse(readFileSync('src/schemas/fragments/guest_config.schema.json', 'utf8'));
    const ajv = new Ajv({ strict: false });
    const validate = ajv.compile(schema);
    expect(validate(good), JSON.stringify(validate.errors)).to.equal(true);
    expect(validate({ hostname: 'x', bogus: 1 })).to.equal(false);
    const walk = (node: Record<string, unknown>, at: string): void => {
      for (const [name, prop] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        if (!prop.$ref) expect(prop.description, `${at}.${name}`).to.be.a('string');
        walk(prop, `${at}.${name}`);
      }
    };
    walk(schema, 'guest_config');
    for (const def of Object.values(schema.definitions as Record<string, Record<string, unknown>>)) walk(def, 'def');
    expect(schema.definitions.admin.properties.password['x-no-log']).to.equal(true);
    expect(schema.definitions.admin.properties.password_hash['x-no-log']).to.equal(true);
    expect(schema.definitions.domain_join.properties.password['x-no-log']).to.equal(true);
  });
});
