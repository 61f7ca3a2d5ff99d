/**
 * The module bundle as ansible-core treats it, without ansible: the JSON-args substitution ansible-core performs,
 * node reading the program from stdin (pipelining), the WANT_JSON file path, and no node_modules at run time.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleModule } from '../../../build/build';

const MARKER = ['<<INCLUDE_ANSIBLE', 'MODULE_JSON_ARGS>>'].join('_');

/** ansible-core's json.dumps: ASCII-only, so every non-ASCII character arrives as a \u escape. */
const pyJson = (v: unknown) =>
  JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

describe('integration: module bundle', function () {
  this.timeout(60_000);
  let dir: string;
  let embedded: string;
  let wantJson: string;

  before(async () => {
    // Outside the repository: no node_modules and no package.json anywhere above.
    dir = mkdtempSync(join(tmpdir(), 'virtseal-bundle-'));
    await bundleModule('ping', join(dir, 'ping'), 'embedded');
    await bundleModule('ping', join(dir, 'ping_want_json'), 'file');
    embedded = readFileSync(join(dir, 'ping'), 'utf8');
    wantJson = readFileSync(join(dir, 'ping_want_json'), 'utf8');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const pipelined = (args: unknown) => {
    const r = spawnSync('node', [], { input: embedded.split(MARKER).join(pyJson(args)), cwd: dir, encoding: 'utf8' });
    return { ...r, result: JSON.parse(r.stdout) as Record<string, unknown> };
  };

  it('is one executable file with a node shebang, the marker once, and no require of node_modules', () => {
    expect(statSync(join(dir, 'ping')).mode & 0o111).to.equal(0o111);
    expect(embedded.split('\n')[0]).to.equal('#!/usr/bin/env node');
    expect(embedded.split(MARKER)).to.have.length(2);
    expect(embedded).to.not.include('WANT_JSON');
    const requires = [...embedded.matchAll(/require\("([^"]+)"\)/g)]
      .map((m) => m[1])
      .filter((m) => !m!.startsWith('node:'));
    // ajv's standalone code names its runtime helper in a string; esbuild bundled the helper itself.
    expect(requires.filter((m) => !/^ajv\/dist\/runtime\//.test(m!))).to.deep.equal([]);
    expect(embedded).to.not.match(/from ansible\.module_utils|import ansible\.module_utils/);
    expect(wantJson).to.include('WANT_JSON').and.not.include(MARKER);
  });

  it('runs pipelined with the args ansible substitutes, hostile values included', () => {
    const hostile =
      '*/ process.exit(7) /* `${1+1}` O\'Brien $(rm -rf /) "; rm -rf / \u2028\u2029\u0085 Привет 🎉 ' +
      'x'.repeat(5000);
    const r = pipelined({
      data: hostile,
      count: '2',
      _ansible_check_mode: true,
      _ansible_module_name: 'virtseal.core.ping',
    });
    expect(r.status).to.equal(0);
    expect(r.stdout).to.not.match(/[\u2028\u2029\u0085]/);
    expect(r.stdout.trim().split('\n')).to.have.length(1);
    expect(r.result.ping).to.equal(hostile);
    expect(r.result.pings).to.have.length(2);
  });

  it('fails with a JSON result and exit code 1, and masks secrets', () => {
    const r = pipelined({ fail: true, secret: 'sekrit-value', fail_msg: 'failed near sekrit-value' });
    expect(r.status).to.equal(1);
    expect(r.result).to.include({ failed: true, msg: 'failed near ********', reason: 'ping_failed' });
    expect(r.stdout).to.not.include('sekrit-value');
  });

  it('reads the WANT_JSON args file from argv[2], and says so when there are no args', () => {
    const args = join(dir, 'args');
    writeFileSync(args, JSON.stringify({ data: 'from-file' }));
    copyFileSync(join(dir, 'ping_want_json'), join(dir, 'AnsiballZ_ping'));
    const r = spawnSync('node', [join(dir, 'AnsiballZ_ping'), args], { cwd: dir, encoding: 'utf8' });
    expect(JSON.parse(r.stdout)).to.include({ ping: 'from-file' });
    const none = spawnSync('node', [join(dir, 'ping')], { cwd: dir, encoding: 'utf8' });
    expect(none.status).to.equal(1);
    expect(JSON.parse(none.stdout))
      .to.include({ failed: true })
      .and.have.property('msg')
      .that.match(/no module arguments/);
  });
});
