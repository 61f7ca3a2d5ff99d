import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { PrivateTmp } from '../../../src/netbox/private-tmp';

describe('netbox private temporary directory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'virtseal-ptmp-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("is 0700, and on open removes what a killed bridge left while keeping a running one's", async () => {
    const root = join(dir, 'root');
    mkdirSync(root, { mode: 0o755 });
    chmodSync(root, 0o755);
    // A pid that ran and is gone: a child that has exited.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    }).stdout;
    mkdirSync(join(root, `${dead}-abc`));
    writeFileSync(join(root, `${dead}-abc`, 'extra-vars.yml'), 'vm_admin_password: !unsafe "left-behind"\n');
    mkdirSync(join(root, 'junk'));
    mkdirSync(join(root, `${process.pid}-live`));
    const tmp = PrivateTmp.open(root);
    expect((statSync(root).mode & 0o777).toString(8)).to.equal('700');
    expect(readdirSync(root)).to.deep.equal([`${process.pid}-live`]);
    const made = await tmp.make();
    expect((statSync(made).mode & 0o777).toString(8)).to.equal('700');
    await tmp.close();
    expect(readdirSync(root)).to.deep.equal([]);
    expect(existsSync(made)).to.equal(false);
  });

  it('refuses a root that is a symlink', () => {
    mkdirSync(join(dir, 'elsewhere'));
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'link'));
    expect(() => PrivateTmp.open(join(dir, 'link'))).to.throw(/is not a plain directory/);
  });
});
