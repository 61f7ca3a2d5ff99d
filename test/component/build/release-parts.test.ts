/**
 * Parts of the release bundle that can be checked without building it: the changelog renderer and its fragment lint
 * (antsibull-changelog's rules), the notices' package discovery, and the ssh2 probe-key swap (the probe must still
 * find Ed25519 signing supported, or ssh2 would stop offering Ed25519 host keys and user keys).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import { build } from 'esbuild';
import { ssh2ProbeKey } from '../../../build/build';
import { ChangelogError, loadReleases, renderChangelog } from '../../../build/changelog';
import { ROOT } from '../../../build/generate';
import { packagesOfInputs, thirdPartyNotices } from '../../../build/notices';

describe('release parts', () => {
  describe('changelog', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'virtseal-changelog-'));
      mkdirSync(join(dir, 'fragments'));
      writeFileSync(
        join(dir, 'config.yaml'),
        'title: Demo\nsections:\n  - [minor_changes, Minor Changes]\n  - [bugfixes, Bugfixes]\n',
      );
      writeFileSync(
        join(dir, 'changelog.yaml'),
        [
          'ancestor: null',
          'releases:',
          '  1.0.0:',
          '    changes:',
          '      release_summary: First.',
          '      bugfixes: [old fix]',
          '    fragments: [old.yml]',
          '    release_date: "2026-01-01"',
          '',
        ].join('\n'),
      );
      writeFileSync(join(dir, 'fragments/old.yml'), 'bugfixes: [old fix]\n');
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('folds fragments no release lists into the current version, newest release first', () => {
      writeFileSync(join(dir, 'fragments/new.yml'), 'minor_changes:\n  - the ``vm`` module got faster\n');
      const { config, releases } = loadReleases(dir, '1.1.0');
      expect(releases.map((r) => r.version)).to.deep.equal(['1.1.0', '1.0.0']);
      expect(releases[0]!.changes).to.deep.equal({ minor_changes: ['the ``vm`` module got faster'] });
      const md = renderChangelog(config, releases, 'ns.col');
      expect(md).to.include('## v1.1.0\n\nUnreleased.');
      expect(md).to.include('* the `vm` module got faster');
      expect(md.indexOf('## v1.1.0')).to.be.lessThan(md.indexOf('## v1.0.0'));
      // The listed fragment is not counted twice.
      expect(md.match(/old fix/g)).to.have.length(1);
    });

    it('rejects a fragment with an unknown section or a wrong shape, naming the file and key', () => {
      writeFileSync(join(dir, 'fragments/bad.yml'), 'minor_change:\n  - typo in the section name\n');
      expect(() => loadReleases(dir, '1.1.0')).to.throw(
        ChangelogError,
        /fragments\/bad\.yml: unknown section 'minor_change'/,
      );
      writeFileSync(join(dir, 'fragments/bad.yml'), 'bugfixes: just a string\n');
      expect(() => loadReleases(dir, '1.1.0')).to.throw(
        ChangelogError,
        /bad\.yml: 'bugfixes' must be a non-empty list of strings/,
      );
    });

    it('lists a module under the release of its version_added, and not one documented for a later version', () => {
      const { releases } = loadReleases(dir, '1.1.0', [
        { name: 'fresh', description: 'New in 1.1.0', versionAdded: '1.1.0' },
        { name: 'old', description: 'From 1.0.0', versionAdded: '1.0.0' },
        { name: 'later', description: 'Not yet', versionAdded: '2.0.0' },
      ]);
      expect(releases.map((r) => [r.version, r.modules.map((m) => m.name)])).to.deep.equal([
        ['1.1.0', ['fresh']],
        ['1.0.0', ['old']],
      ]);
    });

    it('the repository changelog renders', () => {
      const { config, releases } = loadReleases(join(ROOT, 'changelogs'), '0.1.0');
      expect(renderChangelog(config, releases, 'virtseal.core')).to.match(/^# Virtseal\.Core Release Notes/);
    });
  });

  describe('third-party notices', () => {
    it('finds packages, scoped and nested, from bundle inputs', () => {
      expect(
        packagesOfInputs([
          'src/modules/vm.ts',
          'node_modules/ssh2/lib/client.js',
          'node_modules/ssh2/lib/protocol/constants.js',
          'node_modules/@oozcitak/dom/lib/index.js',
          'node_modules/a/node_modules/b/index.js',
          'virtseal-embedded:ssh2',
        ]),
      ).to.deep.equal(['node_modules/@oozcitak/dom', 'node_modules/a/node_modules/b', 'node_modules/ssh2']);
    });

    it("carries each package's own licence text, and fails for a package outside the lock file", () => {
      const text = thirdPartyNotices(['node_modules/ssh2', 'node_modules/cpu-features'], ROOT);
      expect(text).to.match(/^ {2}ssh2 \d+\.\d+\.\d+ \(MIT\)$/m);
      expect(text).to.match(/^ {2}cpu-features \S+ \(MIT\)$/m);
      expect(text).to.include('--- LICENSE ---');
      expect(() => thirdPartyNotices(['node_modules/not-a-package'], ROOT)).to.throw(/not in package-lock\.json/);
    });
  });

  describe('ssh2 probe key', () => {
    it('bundles ssh2 without its fixed private key, and the probe still finds Ed25519 supported', async () => {
      const out = await build({
        stdin: {
          contents: "module.exports = require('ssh2/lib/protocol/constants.js');",
          resolveDir: ROOT,
          loader: 'js',
        },
        bundle: true,
        platform: 'node',
        format: 'cjs',
        write: false,
        external: ['*.node'],
        plugins: [ssh2ProbeKey],
        logLevel: 'silent',
      });
      const text = out.outputFiles[0]!.text;
      expect(text).to.not.include('PRIVATE KEY');
      const module = { exports: {} as { eddsaSupported?: boolean; SUPPORTED_SERVER_HOST_KEY?: string[] } };
      runInNewContext(text, {
        module,
        exports: module.exports,
        require: createRequire(join(ROOT, 'package.json')),
        Buffer,
        process,
      });
      expect(module.exports.eddsaSupported).to.equal(true);
      expect(module.exports.SUPPORTED_SERVER_HOST_KEY).to.include('ssh-ed25519');
    });
  });
});
