/**
 * The runner's GuestConfig and the schema fragment must not drift apart: the generated type (from the schema)
 * must be accepted where GuestConfig is expected (checked by tsc), and the property names must match (runtime).
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { GuestConfig as GeneratedGuestConfig } from '../../../src/generated/guest_config';
import type {
  GuestAdminConfig,
  GuestAnsibleConfig,
  GuestConfig,
  GuestDomainJoinConfig,
  GuestNicConfig,
} from '../../../src/seal/guest-config';

/** Compiles only while every generated guest config is a GuestConfig. */
const acceptsGenerated = (g: GeneratedGuestConfig): GuestConfig => g;

const fullNic: Required<GuestNicConfig> = {
  mac: '',
  dhcp4: true,
  ipv4_address: '',
  ipv4_gateway: '',
  dhcp6: false,
  ipv6_address: '',
  ipv6_gateway: '',
  dns_servers: [],
  search_domains: [],
};
const fullAdmin: Required<GuestAdminConfig> = { name: '', password: '', password_hash: '', ssh_authorized_keys: [] };
const fullAnsible: Required<GuestAnsibleConfig> = { user: '', ssh_authorized_keys: [] };
const fullJoin: Required<GuestDomainJoinConfig> = { domain: '', user: '', password: '', ou: '' };
const full: Required<GuestConfig> = {
  protocol: 'v3',
  hostname: '',
  domain: '',
  timezone: '',
  nics: [fullNic],
  admin: fullAdmin,
  ansible: fullAnsible,
  domain_join: fullJoin,
  run_once: [],
  user_data: '',
};

describe('seal/guest-config matches the schema fragment', () => {
  const schema = JSON.parse(readFileSync('src/schemas/fragments/guest_config.schema.json', 'utf8'));
  const names = (o: object): string[] => Object.keys(o).sort();
  it('the generated type is a GuestConfig (tsc), and the converter returns its input', () => {
    const generated: GeneratedGuestConfig = { hostname: 'web01' };
    expect(acceptsGenerated(generated)).to.equal(generated);
  });
  it('top-level properties', () => expect(names(full)).to.deep.equal(names(schema.properties)));
  it('nic, admin, ansible and domain_join properties', () => {
    expect(names(fullNic)).to.deep.equal(names(schema.definitions.nic.properties));
    expect(names(fullAdmin)).to.deep.equal(names(schema.definitions.admin.properties));
    expect(names(fullAnsible)).to.deep.equal(names(schema.definitions.ansible.properties));
    expect(names(fullJoin)).to.deep.equal(names(schema.definitions.domain_join.properties));
  });
});
