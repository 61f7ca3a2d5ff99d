/**
 * install_media through the real module runtime: answers for each installer carry the config and no secret, hostile
 * values are refused with one line naming the option before anything is written, the seed is reproducible (second
 * run changed:false, same bytes), check mode writes nothing, and the preseed seed is a cpio the real cpio reads.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { runModule } from '../../../src/ansible/runner';
import { renderAutoinstall, renderKickstart, renderPreseed } from '../../../src/install/answers';
import installMedia from '../../../src/modules/install_media';

const config = {
  hostname: 'web01',
  domain: 'example.com',
  timezone: 'Europe/Berlin',
  nics: [{ ipv4_address: '192.0.2.10/24', ipv4_gateway: '192.0.2.1', dns_servers: ['192.0.2.53'] }],
  admin: { name: 'opsadmin' },
};

describe('install_media', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'install-media-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('renders preseed, kickstart and autoinstall from the config, with the agent and without a password', () => {
    const preseed = renderPreseed(config);
    expect(preseed).to.include('d-i netcfg/get_hostname string web01\n');
    expect(preseed).to.include('d-i netcfg/get_domain string example.com\n');
    expect(preseed).to.include('d-i netcfg/get_ipaddress string 192.0.2.10\n');
    expect(preseed).to.include('d-i netcfg/get_netmask string 255.255.255.0\n');
    expect(preseed).to.include('d-i time/zone string Europe/Berlin\n');
    expect(preseed).to.include('d-i passwd/username string opsadmin\n');
    expect(preseed).to.match(/preseed\/late_command string .*virtseal-agent\.service/);
    expect(preseed).to.include('d-i passwd/user-password-crypted password !\n');
    expect(preseed).to.include('d-i passwd/root-password-crypted password !\n');
    expect(preseed).not.to.match(/passwd\/(user|root)-password(-again)? /);
    const ks = renderKickstart(config);
    expect(ks).to.include(
      'network --activate --onboot=yes --bootproto=static --ip=192.0.2.10 --netmask=255.255.255.0 --gateway=192.0.2.1 --nameserver=192.0.2.53 --hostname=web01.example.com\n',
    );
    expect(ks).to.include('user --name=opsadmin --groups=wheel --lock\n');
    expect(ks).to.include('rootpw --lock\n');
    expect(ks).not.to.match(/--password|--iscrypted/);
    const ai = renderAutoinstall(config);
    expect(ai).to.match(/^#cloud-config\nautoinstall:\n/);
    expect(ai).to.include('hostname: web01');
    expect(ai).to.include('lock_passwd: true');
    expect(ai).not.to.match(/(^|\s)(passwd|password|identity):/m);
  });

  const hostile: [string, Record<string, unknown>, string][] = [
    ['a newline in the hostname', { hostname: 'web01\nd-i preseed/late_command string reboot' }, 'config.hostname'],
    ['a space in the domain', { domain: 'example.com --bootloader' }, 'config.domain'],
    ['a newline in the time zone', { timezone: 'UTC\nd-i passwd/root-password string x' }, 'config.timezone'],
    ['a shell character in the admin name', { admin: { name: 'ops;reboot' } }, 'config.admin.name'],
    [
      'a newline in a DNS server',
      { nics: [{ ipv4_address: '192.0.2.10/24', dns_servers: ['192.0.2.53\nd-i x string y'] }] },
      'config.nics[0].dns_servers[0]',
    ],
  ];
  it('refuses what an installer answer cannot carry with one line naming the option', async () => {
    const two = await runModule(installMedia, {
      installer: 'preseed',
      dest: join(dir, 's'),
      config: { nics: [{ mac: '00:15:5d:00:00:01' }, { mac: '00:15:5d:00:00:02' }] },
    });
    expect(String(two.msg)).to.match(/^config\.nics: installer answers configure one NIC/);
    const v6 = await runModule(installMedia, {
      installer: 'kickstart',
      dest: join(dir, 's'),
      config: { nics: [{ ipv6_address: '2001:db8::10/64' }] },
    });
    expect(String(v6.msg)).to.match(/^config\.nics\[0\]\.ipv6_address: /);
    const preseedOnVm = await runModule(installMedia, {
      installer: 'preseed',
      dest: join(dir, 's'),
      vm: 'web01',
      media_path: '/x.iso',
      config,
    });
    expect(String(preseedOnVm.msg)).to.match(/^vm: a preseed seed is an initrd appendix/);
    const half = await runModule(installMedia, { installer: 'kickstart', dest: join(dir, 's'), vm: 'web01', config });
    expect(String(half.msg)).to.match(/^media_path: vm and media_path go together/);
    expect(existsSync(join(dir, 's'))).to.equal(false);
  });

  for (const [what, bad, option] of hostile) {
    for (const installer of ['preseed', 'kickstart', 'autoinstall']) {
      it(`refuses ${what} (${installer}) with one line naming ${option}, writing nothing`, async () => {
        const dest = join(dir, 'seed');
        const r = await runModule(installMedia, { installer, dest, config: { ...config, ...bad } });
        expect(r.failed).to.equal(true);
        expect(String(r.msg)).to.include(option).and.not.include('\n');
        expect(existsSync(dest)).to.equal(false);
      });
    }
  }

  it('the renderers refuse a value that could add a directive even without validation', () => {
    expect(() => renderPreseed({ hostname: 'a\nd-i x string y' })).to.throw(/hostname/);
    expect(() => renderKickstart({ admin: { name: 'a --groups=root' } })).to.throw(/admin\.name/);
    const ai = renderAutoinstall({ hostname: 'web01' });
    expect(ai.split('\n').filter((l) => l.includes('hostname'))).to.deep.equal(['    hostname: web01']);
  });

  it('refuses secrets in config: the schema has no place for them', async () => {
    const r = await runModule(installMedia, {
      installer: 'preseed',
      dest: join(dir, 's'),
      config: { ...config, admin: { name: 'ops', password: 'canary-Secr3t' } },
    });
    expect(r.failed).to.equal(true);
    expect(JSON.stringify(r)).not.to.include('canary-Secr3t');
  });

  for (const installer of ['preseed', 'kickstart', 'autoinstall'] as const) {
    it(`${installer}: check mode writes nothing, the first run writes, the second is changed:false with the same bytes`, async () => {
      const dest = join(dir, `${installer}.seed`);
      const args = { installer, dest, config };
      const dry = await runModule(installMedia, { ...args, _ansible_check_mode: true });
      expect(dry).to.include({ changed: true });
      expect(existsSync(dest)).to.equal(false);
      const first = await runModule(installMedia, args);
      expect(first).to.include({ changed: true });
      const bytes = readFileSync(dest);
      const mtime = statSync(dest).mtimeMs;
      const second = await runModule(installMedia, args);
      expect(second).to.include({ changed: false, sha256: first.sha256 });
      expect(statSync(dest).mtimeMs).to.equal(mtime);
      expect(readFileSync(dest).equals(bytes)).to.equal(true);
      // A separate build from scratch gives the same bytes.
      rmSync(dest);
      await runModule(installMedia, args);
      expect(readFileSync(dest).equals(bytes)).to.equal(true);
      if (installer === 'preseed') {
        expect(first.kernel_cmdline).to.equal('auto=true priority=critical preseed/file=/preseed.cfg');
        const listing = execFileSync('cpio', ['-t', '--quiet'], { input: gunzipSync(bytes) }).toString();
        expect(listing.trim().split('\n')).to.include.members([
          'preseed.cfg',
          'virtseal/virtseal-agent',
          'virtseal/virtseal-agent.service',
        ]);
        const out = mkdtempSync(join(dir, 'x-'));
        execFileSync('cpio', ['-id', '--quiet'], { cwd: out, input: gunzipSync(bytes) });
        expect(readFileSync(join(out, 'preseed.cfg'), 'utf8')).to.equal(first.answers);
        expect(
          readFileSync(join(out, 'virtseal/virtseal-agent')).equals(readFileSync('src/guest/linux/virtseal-agent')),
        ).to.equal(true);
      } else {
        const label = execFileSync('xorriso', ['-indev', dest, '-pvd_info'], {
          stdio: ['ignore', 'pipe', 'ignore'],
        }).toString();
        expect(label).to.match(new RegExp(`Volume Id\\s*: ${installer === 'kickstart' ? 'OEMDRV' : 'cidata'}`));
        const file = installer === 'kickstart' ? '/ks.cfg' : '/user-data';
        const text = execFileSync(
          'xorriso',
          ['-indev', dest, '-osirrox', 'on', '-extract', file, join(dir, 'answers')],
          { stdio: 'ignore' },
        );
        void text;
        expect(readFileSync(join(dir, 'answers'), 'utf8')).to.equal(first.answers);
      }
    });
  }

  describe('sender_public_key: the installed system pins the controller key where the agent reads it', () => {
    const pem = readFileSync('test/vectors/v3-sender.pub.pem', 'utf8');
    it('preseed carries it in the initrd appendix and late_command installs it into the target', async () => {
      const dest = join(dir, 'preseed.seed');
      const r = await runModule(installMedia, { installer: 'preseed', dest, config, sender_public_key: pem });
      expect(r.failed, String(r.msg)).to.equal(undefined);
      expect(String(r.answers)).to.include(
        'install -D -m 0644 /virtseal/sender-key.pem /target/etc/virtseal/sender-key.pem',
      );
      const out = mkdtempSync(join(dir, 'x-'));
      execFileSync('cpio', ['-id', '--quiet'], { cwd: out, input: gunzipSync(readFileSync(dest)) });
      expect(readFileSync(join(out, 'virtseal/sender-key.pem'), 'utf8')).to.equal(pem);
    });
    it('kickstart %post writes it (run here against a scratch root), autoinstall lists it in write_files', async () => {
      const ks = await runModule(installMedia, {
        installer: 'kickstart',
        dest: join(dir, 'ks.iso'),
        config,
        sender_public_key: `${pem}VIRTSEAL_SENDER_KEY\ntouch /tmp/virtseal-pwned\n`,
      });
      expect(ks.failed, String(ks.msg)).to.equal(undefined);
      const post = String(ks.answers).split('%post --erroronfail\n')[1]!.split('%end')[0]!;
      const pin = post.slice(post.indexOf('mkdir -p /etc/virtseal'), post.indexOf('systemctl enable'));
      const root = mkdtempSync(join(dir, 'root-'));
      execFileSync('sh', ['-ec', pin.replaceAll('/etc/virtseal', `${root}/etc/virtseal`)]);
      // Re-encoded: the caller's trailing lines never reach the script.
      expect(readFileSync(join(root, 'etc/virtseal/sender-key.pem'), 'utf8')).to.equal(pem);
      expect(existsSync('/tmp/virtseal-pwned')).to.equal(false);
      const ai = await runModule(installMedia, {
        installer: 'autoinstall',
        dest: join(dir, 'ai.iso'),
        config,
        sender_public_key: pem,
      });
      const doc = parse(String(ai.answers)) as {
        autoinstall: { 'user-data': { write_files: { path: string; content: string }[] } };
      };
      expect(doc.autoinstall['user-data'].write_files).to.deep.include({
        path: '/etc/virtseal/sender-key.pem',
        permissions: '0644',
        owner: 'root:root',
        content: pem,
      });
    });
    it('refuses a private key or junk with one line naming the option, before writing anything', async () => {
      for (const bad of [readFileSync('test/vectors/v3-sender.pem', 'utf8'), 'not a key']) {
        const dest = join(dir, 'bad.seed');
        const r = await runModule(installMedia, { installer: 'preseed', dest, config, sender_public_key: bad });
        expect(r).to.include({ failed: true, reason: 'invalid_argument', option: 'sender_public_key' });
        expect(String(r.msg)).to.equal('sender_public_key: not a PEM public key');
        expect(existsSync(dest)).to.equal(false);
      }
    });
  });
});
