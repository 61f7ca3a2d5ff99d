/**
 * ansible-test sanity (Debian's ansible-core 2.14, Python 3.11) on the built collection, installed as
 * ansible_collections/virtseal/core the way ansible-test requires. The sanity tests that need a virtual environment
 * with packages from PyPI cannot run without network access; they are listed in SKIPPED with the reason, and
 * docs/ansible-modules.md says the same. ansible-doc itself stands in for the skipped ansible-doc sanity test.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { moduleNames, ROOT } from '../../../build/generate';
import { AnsibleWorkspace } from '../../helpers/ansible';

/** The sanity tests ansible-core 2.14 runs without installing anything. */
const OFFLINE_SANITY_TESTS = [
  'action-plugin-docs',
  'changelog',
  'compile',
  'empty-init',
  'future-import-boilerplate',
  'ignores',
  'line-endings',
  'metaclass-boilerplate',
  'no-assert',
  'no-basestring',
  'no-dict-iteritems',
  'no-dict-iterkeys',
  'no-dict-itervalues',
  'no-get-exception',
  'no-illegal-filenames',
  'no-main-display',
  'no-smart-quotes',
  'no-unicode-literals',
  'pslint',
  'replace-urlopen',
  'shebang',
  'shellcheck',
  'symlinks',
  'use-argspec-type-path',
  'use-compat-six',
];
/** The ones that build a virtual environment and pip-install pinned requirements from PyPI. */
const SKIPPED = ['ansible-doc', 'import', 'pep8', 'pylint', 'runtime-metadata', 'validate-modules', 'yamllint'];

function sanity(dir: string, tests: readonly string[]): Promise<{ code: number; out: string }> {
  const args = ['sanity', '--python', '3.11', ...tests.flatMap((t) => ['--test', t])];
  return new Promise((resolve) => {
    execFile(
      'ansible-test',
      args,
      { cwd: dir, env: { ...process.env, ANSIBLE_NOCOLOR: 'True' }, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` });
      },
    );
  });
}

describe('collection: ansible-test sanity 2.14 and ansible-doc on the built collection', function () {
  this.timeout(600_000);
  let ws: AnsibleWorkspace;
  let dir: string;
  before(async () => {
    ws = new AnsibleWorkspace();
    ws.install(await ws.buildCollection('embedded'));
    dir = ws.installedPath('');
  });
  after(() => ws?.close());

  it('lists every sanity test of this ansible-test as run or skipped', () => {
    const listed = execFileSync('ansible-test', ['sanity', '--list-tests'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .trim()
      .split('\n');
    expect([...OFFLINE_SANITY_TESTS, ...SKIPPED].sort()).to.deep.equal(listed.sort());
  });

  it('every line of tests/sanity/ignore-2.14.txt gives its reason, and the file ships in the collection', () => {
    const source = readFileSync(join(ROOT, 'collection/tests/sanity/ignore-2.14.txt'), 'utf8');
    expect(readFileSync(join(dir, 'tests/sanity/ignore-2.14.txt'), 'utf8')).to.equal(source);
    const lines = source.trim().split('\n');
    expect(lines).to.have.length(moduleNames().length + 1);
    for (const line of lines) expect(line).to.match(/^\S+ \S+ # \S.{20,}$/);
  });

  it('passes the offline sanity tests with the ignore file', async () => {
    const run = await sanity(dir, OFFLINE_SANITY_TESTS);
    expect(run.code, run.out.slice(-3000)).to.equal(0);
    for (const t of ['shebang', 'compile', 'ignores']) expect(run.out).to.include(`Running sanity test "${t}"`);
  });

  it('fails the shebang test without the ignore file (the entries are needed)', async () => {
    const ignore = join(dir, 'tests/sanity/ignore-2.14.txt');
    renameSync(ignore, `${ignore}.off`);
    try {
      const run = await sanity(dir, ['shebang']);
      expect(run.code).to.not.equal(0);
      expect(run.out).to.match(/plugins\/modules\/vm:1:1: expected module shebang/);
      expect(run.out).to.match(/scripts\/virtseal_inventory:1:1: unexpected non-module shebang/);
    } finally {
      renameSync(`${ignore}.off`, ignore);
    }
  });

  it('ansible-doc reads every module (standing in for the ansible-doc sanity test)', () => {
    const env = ws.env();
    for (const module of moduleNames()) {
      const doc = JSON.parse(
        execFileSync('ansible-doc', ['--json', `virtseal.core.${module}`], { env, encoding: 'utf8', cwd: ws.dir }),
      ) as Record<string, { doc: { options: Record<string, { choices?: unknown[] }> } }>;
      const entry = doc[`virtseal.core.${module}`]!;
      for (const [name, option] of Object.entries(entry.doc.options)) {
        for (const choice of option.choices ?? [])
          expect(typeof choice, `${module}.${name} choices`).to.not.equal('boolean');
      }
    }
  });
});
