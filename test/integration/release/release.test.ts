/**
 * The release bundle from a fresh clone: `npm run release` (without the type-check, which the build's own tests
 * cover) in a `git clone` of this repository's HEAD, with only node_modules borrowed. Then the bundle is checked the
 * way a packager would: every file there, `sha256sum -c` passes, the tarball installs with ansible-galaxy and holds
 * LICENSE, THIRD-PARTY-NOTICES, every module and the inventory plugin, no PEM private key anywhere in it, the notices
 * name every npm package the bundles hold, the ISOs carry the agents of this version, the EE definition installs
 * the tarball beside it, and CHANGELOG.md has this version with the pending fragments.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { moduleEntries } from '../../../build/build';
import { ROOT } from '../../../build/generate';
import { releaseFileNames } from '../../../build/release';

/** a <= b for dotted numeric versions. */
function notAfter(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) < (pb[i] ?? 0);
  }
  return true;
}

describe('release bundle (fresh clone, npm run release)', function () {
  this.timeout(300_000);
  let dir: string;
  let clone: string;
  let dist: string;
  let version: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'virtseal-release-'));
    clone = join(dir, 'clone');
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone], { stdio: 'pipe' });
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'));
    execFileSync('npx', ['tsx', 'build/release.ts', '--no-typecheck'], {
      cwd: clone,
      stdio: 'pipe',
      env: { ...process.env, npm_config_nodedir: '/usr' },
    });
    dist = join(clone, 'dist');
    version = (parse(readFileSync(join(clone, 'collection/galaxy.yml'), 'utf8')) as { version: string }).version;
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('holds every release file, and SHA256SUMS checks all of them', () => {
    const names = releaseFileNames(version);
    for (const n of names) expect(existsSync(join(dist, n)), n).to.equal(true);
    const sums = readFileSync(join(dist, 'SHA256SUMS'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/)[1]);
    expect(sums.sort()).to.deep.equal(names.filter((n) => n !== 'SHA256SUMS').sort());
    const out = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dist, encoding: 'utf8' });
    expect(
      out
        .trim()
        .split('\n')
        .every((l) => l.endsWith(': OK')),
    ).to.equal(true);
  });

  it('the collection tarball installs and holds LICENSE, notices, every module and the inventory plugin', () => {
    const cols = join(dir, 'collections');
    execFileSync(
      'ansible-galaxy',
      ['collection', 'install', '-p', cols, join(dist, `virtseal-core-${version}.tar.gz`)],
      { stdio: 'pipe' },
    );
    const installed = join(cols, 'ansible_collections/virtseal/core');
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).to.equal(readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).to.include('Apache License');
    for (const m of moduleEntries(clone)) {
      expect(existsSync(join(installed, 'plugins/modules', m)), m).to.equal(true);
      expect(existsSync(join(installed, 'plugins/modules', `${m}.yml`)), `${m}.yml`).to.equal(true);
    }
    expect(existsSync(join(installed, 'plugins/inventory/vms.py')), 'inventory plugin').to.equal(true);
    expect(existsSync(join(installed, 'scripts/virtseal_inventory')), 'inventory executable').to.equal(true);
  });

  it("ships no PEM private key: ssh2's probe key is gone from every bundle", () => {
    const listing = execFileSync('tar', ['-xzOf', join(dist, `virtseal-core-${version}.tar.gz`)], {
      maxBuffer: 256 * 1024 * 1024,
    }).toString('latin1');
    expect(listing.length).to.be.greaterThan(1_000_000);
    // A PEM header followed by key material (as secret scanners match it), in source or in an escaped string; ssh2's
    // key parsers keep their header regular expressions, which carry no key.
    const pemKey = /-----BEGIN [A-Z ]*PRIVATE KEY-----(?:\\{1,2}r|\r)?(?:\\{1,2}n|\n)[A-Za-z0-9+/]{16}/;
    expect(pemKey.exec(listing)?.[0]).to.equal(undefined);
    expect(listing).to.not.include('MC4CAQAwBQYDK2VwBCIEIHKj');
    // The key ssh2 carries in its own source matches, so the check above looks for something that exists.
    expect(readFileSync(join(ROOT, 'node_modules/ssh2/lib/protocol/constants.js'), 'utf8')).to.match(pemKey);
    expect(JSON.stringify(readFileSync(join(ROOT, 'node_modules/ssh2/lib/protocol/constants.js'), 'utf8'))).to.match(
      pemKey,
    );
    expect('`-----BEGIN PRIVATE KEY-----\\r\nMC4CAQAwBQYDK2VwBCIEIHKj+sVa9WcD`').to.match(pemKey);
  });

  it('THIRD-PARTY-NOTICES names every npm package in the bundles, with the version the lock file pins', () => {
    const notices = readFileSync(join(dist, 'THIRD-PARTY-NOTICES'), 'utf8');
    const lock = JSON.parse(readFileSync(join(clone, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version: string }>;
    };
    // Packages whose code the bundles certainly hold (each is imported by module or driver code).
    for (const pkg of ['ssh2', 'xmlbuilder2', 'fast-xml-parser', 'yaml', 'asn1', 'bcrypt-pbkdf', 'tweetnacl']) {
      expect(notices, pkg).to.match(
        new RegExp(
          `^  ${pkg.replace('.', '\\.')} ${lock.packages[`node_modules/${pkg}`]!.version.replace(/\./g, '\\.')} \\(`,
          'm',
        ),
      );
      expect(notices).to.include(`-\n${pkg} ${lock.packages[`node_modules/${pkg}`]!.version}\n`);
    }
    // Licence texts themselves, not only names.
    expect(notices).to.include('Permission is hereby granted, free of charge');
    expect(notices).to.not.match(/\n {2}yargs /);
  });

  it('the guest-agent ISOs carry this version and the agents', () => {
    for (const [iso, file] of [
      [`virtseal-linux-${version}.iso`, '/virtseal/virtseal-agent'],
      [`virtseal-windows-${version}.iso`, '/virtseal/virtseal-agent.ps1'],
    ] as const) {
      const out = join(dir, `${iso}.VERSION`);
      execFileSync('xorriso', ['-osirrox', 'on', '-indev', join(dist, iso), '-extract', '/VERSION', out], {
        stdio: 'ignore',
      });
      expect(readFileSync(out, 'utf8').trim(), iso).to.equal(version);
      const ls = execFileSync('xorriso', ['-indev', join(dist, iso), '-find', file], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      expect(ls, iso).to.include(file);
    }
  });

  it('the execution-environment definition installs the tarball that sits beside it', () => {
    const ee = parse(readFileSync(join(dist, 'execution-environment.yml'), 'utf8')) as {
      version: number;
      additional_build_files: { src: string }[];
      additional_build_steps: { append_final: string[] };
    };
    expect(ee.version).to.equal(3);
    const srcs = ee.additional_build_files.map((f) => f.src);
    expect(srcs).to.deep.equal([`virtseal-core-${version}.tar.gz`]);
    for (const s of srcs) expect(readdirSync(dist)).to.include(s);
    expect(ee.additional_build_steps.append_final.join('\n')).to.include(
      `ansible-galaxy collection install /tmp/virtseal-core-${version}.tar.gz`,
    );
  });

  it('CHANGELOG.md has this version, its modules and the pending fragments', () => {
    const md = readFileSync(join(dist, 'CHANGELOG.md'), 'utf8');
    expect(md).to.match(new RegExp(`^## v${version.replace(/\./g, '\\.')}$`, 'm'));
    // Every module added in this version or before (a module documented for a later version waits for it).
    const listed = moduleEntries(clone).filter((m) => {
      const doc = (
        parse(readFileSync(join(clone, 'collection/plugins/modules', `${m}.yml`), 'utf8')) as {
          DOCUMENTATION: { version_added: string };
        }
      ).DOCUMENTATION;
      return notAfter(doc.version_added, version);
    });
    expect(listed.length).to.be.greaterThan(5);
    for (const m of listed) expect(md).to.include(`* virtseal.core.${m} - `);
    for (const f of readdirSync(join(clone, 'changelogs/fragments'))) {
      const frag = parse(readFileSync(join(clone, 'changelogs/fragments', f), 'utf8')) as Record<string, string[]>;
      const first = Object.values(frag).flat()[0]!;
      expect(md, f).to.include(
        first
          .replace(/``([^`]+)``/g, '`$1`')
          .replace(/\s*\n\s*/g, ' ')
          .trim()
          .slice(0, 40),
      );
    }
  });
});
