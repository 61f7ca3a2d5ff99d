/**
 * Debian's own netboot installer (debian-installer-12-netboot-amd64) reads the preseed install_media generates.
 * QEMU (TCG, no network device, so no traffic leaves) boots the installer kernel with the generated seed appended to
 * the installer's initrd and the module's kernel command line. On a serial console d-i runs in GNU screen; the test
 * switches to the installer's own shell window and prints the installer's syslog line for the preseed file and the
 * hostname debconf now holds: a random one, so only the generated preseed can have put it there.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runModule } from '../../../src/ansible/runner';
import installMedia from '../../../src/modules/install_media';

const DI = '/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64';
const BUDGET_MS = 240_000;

describe('install_media: Debian installer reads the generated preseed (QEMU TCG)', function () {
  this.timeout(BUDGET_MS + 30_000);
  let dir: string;
  let qemu: ChildProcess | undefined;
  before(() => {
    if (!existsSync(join(DI, 'linux')))
      throw new Error(`${DI} is missing: run build/install-deps.sh (debian-installer-12-netboot-amd64)`);
    dir = mkdtempSync(join(tmpdir(), 'd-i-test-'));
  });
  after(() => {
    if (qemu?.pid !== undefined && qemu.exitCode === null) process.kill(qemu.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads /preseed.cfg from the seed and takes the hostname and admin name from it', async () => {
    const hostname = `vs-${randomBytes(4).toString('hex')}`;
    const seed = join(dir, 'seed.gz');
    const r = await runModule(installMedia, {
      installer: 'preseed',
      dest: seed,
      config: { hostname, domain: 'example.test', timezone: 'Europe/Berlin', admin: { name: 'opsadmin' } },
    });
    expect(r.failed, String(r.msg)).to.not.equal(true);
    const initrd = join(dir, 'initrd.gz');
    writeFileSync(initrd, Buffer.concat([readFileSync(join(DI, 'initrd.gz')), readFileSync(seed)]));

    const started = Date.now();
    qemu = spawn(
      'qemu-system-x86_64',
      [
        '-machine',
        'accel=tcg',
        '-m',
        '1024',
        '-kernel',
        join(DI, 'linux'),
        '-initrd',
        initrd,
        '-append',
        `${String(r.kernel_cmdline)} console=ttyS0`,
        '-display',
        'none',
        '-monitor',
        'none',
        '-serial',
        'stdio',
        '-nic',
        'none',
        '-no-reboot',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let serial = '';
    const plain = (): string =>
      serial
        .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ' ')
        .replace(/\x1b[()][0-9A-B]/g, '')
        .replace(/\r/g, '');
    qemu.stdout!.on('data', (d: Buffer) => {
      serial += d.toString('latin1');
    });
    qemu.stderr!.on('data', (d: Buffer) => {
      serial += d.toString('latin1');
    });
    const waitFor = async (pattern: RegExp, what: string): Promise<RegExpMatchArray> => {
      for (;;) {
        const m = plain().match(pattern);
        if (m) return m;
        if (qemu!.exitCode !== null) throw new Error(`QEMU exited before ${what}:\n${plain().slice(-3000)}`);
        if (Date.now() - started > BUDGET_MS)
          throw new Error(`no ${what} within ${BUDGET_MS / 1000}s:\n${plain().slice(-3000)}`);
        await new Promise((res) => setTimeout(res, 500));
      }
    };
    try {
      // d-i's screen session is up (its status line lists the installer window): switch to shell window 2.
      await waitFor(/1\*installer/, "the installer's screen session");
      qemu.stdin!.write('\x012');
      await waitFor(/2\*shell/, 'the shell window');
      await new Promise((res) => setTimeout(res, 2000));
      qemu.stdin!.write(
        'grep -h "preseed: successfully loaded" /var/log/syslog; echo "VS""-HOST=$(debconf-get netcfg/get_hostname) VS""-USER=$(debconf-get passwd/username) VS""-AGENT=$(ls /virtseal)"\r',
      );
      const loaded = await waitFor(
        /preseed: successfully loaded preseed file from (\S+)/,
        "the installer's log line for the preseed",
      );
      expect(loaded[1]).to.equal('file:///preseed.cfg');
      const got = await waitFor(/VS-HOST=(\S*) VS-USER=(\S*) VS-AGENT=([^\n]*)/, "debconf's answers");
      expect(got[1]).to.equal(hostname);
      expect(got[2]).to.equal('opsadmin');
      expect(got[3]).to.match(/virtseal-agent/);
      console.log(`      installer read the preseed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      process.kill(qemu.pid!, 'SIGKILL');
    }
  });
});
