import { expect } from 'chai';
import { parse } from 'yaml';
import { bindOnlyNic, renderNetworkConfig } from '../../../src/seal/network-config';

describe('seal/network-config', () => {
  it('renders one v2 ethernet per NIC, matched by MAC, with static addresses, routes and DNS', () => {
    const doc = parse(
      renderNetworkConfig([
        {
          mac: '00-15-5D-01-02-03',
          ipv4_address: '192.0.2.10/24',
          ipv4_gateway: '192.0.2.1',
          ipv6_address: '2001:db8::10/64',
          ipv6_gateway: '2001:db8::1',
          dns_servers: ['192.0.2.53'],
          search_domains: ['corp.example'],
        },
        { mac: '00:15:5d:01:02:04', dhcp4: true },
      ])!,
    );
    expect(doc).to.deep.equal({
      version: 2,
      ethernets: {
        nic0: {
          match: { macaddress: '00:15:5d:01:02:03' },
          dhcp4: false,
          dhcp6: false,
          addresses: ['192.0.2.10/24', '2001:db8::10/64'],
          routes: [
            { to: '0.0.0.0/0', via: '192.0.2.1' },
            { to: '::/0', via: '2001:db8::1' },
          ],
          nameservers: { addresses: ['192.0.2.53'], search: ['corp.example'] },
        },
        nic1: { match: { macaddress: '00:15:5d:01:02:04' }, dhcp4: true },
      },
    });
    expect(renderNetworkConfig([])).to.equal(undefined);
  });

  it("binds a MAC-less only NIC to the VM's only adapter and leaves every other case alone", () => {
    const config = { hostname: 'app01', nics: [{ ipv4_address: '192.0.2.10/24' }] };
    expect(bindOnlyNic(config, ['00155D0100A1'])).to.deep.equal({
      hostname: 'app01',
      nics: [{ ipv4_address: '192.0.2.10/24', mac: '00:15:5d:01:00:a1' }],
    });
    expect(config.nics[0]).to.not.have.property('mac');
    // Hyper-V shows all zeros until the VM has run; two adapters leave the choice to the admin.
    expect(bindOnlyNic(config, ['000000000000'])).to.equal(config);
    expect(bindOnlyNic(config, ['00155D0100A1', '00155D0100A2'])).to.equal(config);
    expect(bindOnlyNic(config, [])).to.equal(config);
    const given = { nics: [{ mac: '00:15:5d:0a:0b:0c', dhcp4: true }] };
    expect(bindOnlyNic(given, ['00155D0100A1'])).to.equal(given);
    const v1 = { protocol: 'hlvmm-v1', nics: [{ dhcp4: true }] };
    expect(bindOnlyNic(v1, ['00155D0100A1'])).to.equal(v1);
  });
});
