import { expect } from 'chai';
import { compactMac, isMac, isMulticastMac, isUnsetMac, normalizeMac, randomMac } from '../../../src/core/mac';

describe('core/mac', () => {
  it('spells any notation one way, and leaves text that is no MAC alone', () => {
    for (const m of ['00-15-5D-0A-0B-0C', '00155d0a0b0c', '00:15:5D:0a:0b:0c'])
      expect(normalizeMac(m)).to.equal('00:15:5d:0a:0b:0c');
    expect(normalizeMac('zz')).to.equal('zz');
    expect(isMac('00:15:5d:0a:0b')).to.equal(false);
    expect(compactMac('00:15:5d:01:02:ab')).to.equal('00155D0102AB');
  });

  it('knows the unset and the multicast addresses', () => {
    expect(isUnsetMac('000000000000') && isUnsetMac('00:00:00:00:00:00')).to.equal(true);
    expect(isUnsetMac('00:15:5d:00:00:00')).to.equal(false);
    expect(isMulticastMac('01:00:5e:00:00:01')).to.equal(true);
    expect(isMulticastMac('52:54:00:00:00:01')).to.equal(false);
  });

  it('draws random unicast addresses under a prefix', () => {
    const mac = randomMac();
    expect(mac).to.match(/^52:54:00(:[0-9a-f]{2}){3}$/);
    expect(isMulticastMac(mac)).to.equal(false);
    expect(randomMac('00:15:5d')).to.match(/^00:15:5d(:[0-9a-f]{2}){3}$/);
  });
});
