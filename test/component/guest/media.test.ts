import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildMedia } from '../../../build/media';

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');
const xorriso = (iso: string, ...args: string[]): string =>
  execFileSync('xorriso', ['-indev', iso, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

describe('build/media (provisioning ISOs)', function () {
  this.timeout(60_000);
  let a: string;
  let b: string;
  before(() => {
    a = mkdtempSync(join(tmpdir(), 'virtseal-media-a-'));
    b = mkdtempSync(join(tmpdir(), 'virtseal-media-b-'));
  });
  after(() => {
    for (const d of [a, b]) rmSync(d, { recursive: true, force: true });
  });

  it('is reproducible: two builds give the same bytes, and the version is in the name', () => {
    const one = buildMedia(a);
    const two = buildMedia(b);
    expect(one.linuxIso).to.match(new RegExp(`virtseal-linux-${VERSION}\\.iso$`));
    expect(sha(one.linuxIso)).to.equal(sha(two.linuxIso));
    expect(sha(one.windowsIso)).to.equal(sha(two.windowsIso));
  });

  it('the Linux ISO is a NoCloud seed labelled CIDATA that installs the agent and its unit, with no per-VM data', () => {
    const iso = join(a, `virtseal-linux-${VERSION}.iso`);
    expect(xorriso(iso, '-pvd_info')).to.match(/Volume Id\s*:\s*CIDATA/);
    const files = xorriso(iso, '-find', '/', '-type', 'f')
      .trim()
      .split('\n')
      .map((l) => l.replace(/'/g, ''))
      .sort();
    expect(files).to.deep.equal([
      '/VERSION',
      '/meta-data',
      '/user-data',
      '/virtseal/virtseal-agent',
      '/virtseal/virtseal-agent.service',
    ]);
    const out = mkdtempSync(join(tmpdir(), 'virtseal-media-x-'));
    try {
      execFileSync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/', out], { stdio: 'ignore' });
      const userData = readFileSync(join(out, 'user-data'), 'utf8');
      expect(userData.startsWith('#cloud-config\n')).to.equal(true);
      const doc = parse(userData);
      const agent = doc.write_files.find((f: { path: string }) => f.path === '/usr/local/sbin/virtseal-agent');
      expect(Buffer.from(agent.content, 'base64').equals(readFileSync('src/guest/linux/virtseal-agent'))).to.equal(
        true,
      );
      expect(doc.runcmd).to.deep.include(['systemctl', 'enable', '--now', '--no-block', 'virtseal-agent.service']);
      expect(readFileSync(join(out, 'meta-data'), 'utf8')).to.match(/^instance-id: virtseal-media-[0-9.]+\n$/);
      expect(Object.keys(doc).sort()).to.deep.equal(['runcmd', 'write_files']);
      expect(userData).to.not.match(/passw|hostname|ssh_authorized_keys|users:/i);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('the Windows ISO is labelled VIRTSEAL and carries the agent, installer and password-free unattend.xml', () => {
    const iso = join(a, `virtseal-windows-${VERSION}.iso`);
    expect(xorriso(iso, '-pvd_info')).to.match(/Volume Id\s*:\s*VIRTSEAL/);
    const files = xorriso(iso, '-find', '/', '-type', 'f')
      .trim()
      .split('\n')
      .map((l) => l.replace(/'/g, ''))
      .sort();
    expect(files).to.deep.equal([
      '/VERSION',
      '/virtseal/agent-core.ps1',
      '/virtseal/agent-kvp.ps1',
      '/virtseal/agent-steps.ps1',
      '/virtseal/agent-xenstore.ps1',
      '/virtseal/install-agent.ps1',
      '/virtseal/seal-crypto.ps1',
      '/virtseal/unattend.xml',
      '/virtseal/virtseal-agent.ps1',
    ]);
  });

  it('with a sender key, both ISOs pin its public key where the agents read it; a private key is refused', () => {
    const pem = readFileSync('test/vectors/v3-sender.pub.pem', 'utf8');
    const dir = mkdtempSync(join(tmpdir(), 'virtseal-media-pin-'));
    const out = mkdtempSync(join(tmpdir(), 'virtseal-media-x-'));
    try {
      const media = buildMedia(dir, { senderPublicKey: pem });
      execFileSync('xorriso', ['-osirrox', 'on', '-indev', media.linuxIso, '-extract', '/', join(out, 'l')], {
        stdio: 'ignore',
      });
      execFileSync('xorriso', ['-osirrox', 'on', '-indev', media.windowsIso, '-extract', '/', join(out, 'w')], {
        stdio: 'ignore',
      });
      const doc = parse(readFileSync(join(out, 'l/user-data'), 'utf8'));
      const pin = doc.write_files.find((f: { path: string }) => f.path === '/etc/virtseal/sender-key.pem');
      expect(pin).to.deep.include({ content: pem, permissions: '0644' });
      expect(readFileSync(join(out, 'l/virtseal/sender-key.pem'), 'utf8')).to.equal(pem);
      expect(readFileSync(join(out, 'w/virtseal/sender-key.pem'), 'utf8')).to.equal(pem);
      expect(() => buildMedia(dir, { senderPublicKey: readFileSync('test/vectors/v3-sender.pem', 'utf8') })).to.throw(
        /--sender-key: not a PEM public key/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  });
});
