import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { checkSignature, signBody } from '../../../src/netbox/signature';

const body = readFileSync(new URL('../../fixtures/netbox/vm-updated-staged-to-active-v4.6.json', import.meta.url));

describe('netbox/signature', () => {
  it('computes the same HMAC-SHA512 hex as openssl over the exact body bytes', () => {
    // A throwaway test key: fine on openssl's argv here, never a real secret.
    const out = execFileSync('openssl', ['dgst', '-sha512', '-hmac', 'fixture-key'], { input: body }).toString();
    expect(out.trim().split(' ').pop()).to.equal(signBody(body, 'fixture-key'));
  });

  it('accepts the right signature, in either hex case', () => {
    const sig = signBody(body, 'k3y');
    expect(checkSignature(body, sig, 'k3y')).to.equal('ok');
    expect(checkSignature(body, sig.toUpperCase(), 'k3y')).to.equal('ok');
  });

  it('reports a missing header as missing', () => {
    expect(checkSignature(body, undefined, 'k3y')).to.equal('missing');
    expect(checkSignature(body, '', 'k3y')).to.equal('missing');
  });

  it('rejects another key, a changed body, a truncated or non-hex signature', () => {
    const sig = signBody(body, 'k3y');
    expect(checkSignature(body, sig, 'other')).to.equal('bad');
    const changed = Buffer.concat([body, Buffer.from(' ')]);
    expect(checkSignature(changed, sig, 'k3y')).to.equal('bad');
    expect(checkSignature(body, sig.slice(0, 64), 'k3y')).to.equal('bad');
    expect(checkSignature(body, `sha512=${sig}`, 'k3y')).to.equal('bad');
    expect(checkSignature(body, 'z'.repeat(128), 'k3y')).to.equal('bad');
  });
});
