import { expect } from 'chai';
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHostKey, fingerprintOf, normalizeFingerprint, parseKnownHosts } from '../../../src/transport/host-key';

const key = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIHr7mFmCq3sp8lJqA9gzI5LzR0lq0m0b2xV5l1Q0o7kV', 'base64');
const other = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIOtherKeyOtherKeyOtherKeyOtherKeyOtherKeyOthe', 'base64');

describe('transport/host-key', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'virtseal-kh-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints fingerprints like ssh-keygen -lf (SHA256, base64 without padding)', () => {
    const expected = createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
    expect(fingerprintOf(key)).to.equal(`SHA256:${expected}`);
  });

  it('normalizes pinned fingerprints and rejects malformed ones naming the option', () => {
    const fp = fingerprintOf(key);
    expect(normalizeFingerprint(fp.slice(7))).to.equal(fp);
    expect(normalizeFingerprint(`${fp}=`)).to.equal(fp);
    expect(() => normalizeFingerprint('MD5:aa:bb')).to.throw(/host_key_fingerprint/);
  });

  it('trusts a pinned key and reports a mismatch with both fingerprints', () => {
    expect(checkHostKey({ host: 'h', port: 22, fingerprint: fingerprintOf(key) }, key)).to.deep.equal({
      kind: 'trusted',
      via: 'fingerprint',
    });
    const verdict = checkHostKey({ host: 'h', port: 22, fingerprint: fingerprintOf(other) }, key);
    expect(verdict).to.include({ kind: 'mismatch', expected: fingerprintOf(other) });
  });

  it('checks known_hosts: plain, [host]:port, hashed, wildcard, revoked, and unknown hosts', () => {
    const b64 = key.toString('base64');
    const salt = Buffer.from('0123456789abcdef0123');
    const hashed = createHmac('sha1', salt).update('[hv2.example]:2222').digest('base64');
    const file = join(dir, 'known_hosts');
    writeFileSync(
      file,
      [
        '# comment',
        `hv1.example,10.0.0.1 ssh-ed25519 ${b64}`,
        `|1|${salt.toString('base64')}|${hashed} ssh-ed25519 ${b64}`,
        `*.lab.example ssh-ed25519 ${b64}`,
        `other.example ssh-ed25519 ${other.toString('base64')}`,
        `@revoked bad.example ssh-ed25519 ${b64}`,
        `bad.example ssh-ed25519 ${b64}`,
      ].join('\n'),
    );
    const check = (host: string, port = 22) => checkHostKey({ host, port, knownHostsFile: file }, key).kind;
    expect(check('hv1.example')).to.equal('trusted');
    expect(check('10.0.0.1')).to.equal('trusted');
    expect(check('hv2.example', 2222)).to.equal('trusted');
    expect(check('hv2.example')).to.equal('unknown');
    expect(check('node7.lab.example')).to.equal('trusted');
    expect(check('other.example')).to.equal('mismatch');
    expect(check('bad.example')).to.equal('mismatch');
    expect(check('nowhere.example')).to.equal('unknown');
    expect(parseKnownHosts('garbage')).to.deep.equal([]);
  });

  it('names the option when the known_hosts file cannot be read', () => {
    expect(() => checkHostKey({ host: 'h', port: 22, knownHostsFile: join(dir, 'missing') }, key)).to.throw(
      /known_hosts_file/,
    );
  });
});
