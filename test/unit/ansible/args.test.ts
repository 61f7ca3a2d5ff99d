import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedArgsText, loadRawArgs, splitInternals } from '../../../src/ansible/args';
import { serializeResult } from '../../../src/ansible/output';
import { moduleBanner } from '../../../build/build';

/** What ansible-core does to a jsonargs module: replace the marker with json.dumps(args) (ASCII-only). */
function substitute(source: string, args: unknown): string {
  const json = JSON.stringify(args).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return source.split(['<<INCLUDE_ANSIBLE', 'MODULE_JSON_ARGS>>'].join('_')).join(json);
}

function bannerFunction(source: string): unknown {
  const sandbox: { __virtsealEmbeddedArgs?: unknown } = {};
  new Function('globalThis', source.split('\n').slice(1).join('\n'))(sandbox);
  return sandbox.__virtsealEmbeddedArgs;
}

describe('ansible/args', () => {
  it('reads nothing from an unsubstituted banner', () => {
    expect(embeddedArgsText(bannerFunction(moduleBanner('embedded')))).to.equal(undefined);
  });

  it('reads the args ansible substituted, even hostile ones, without executing them', () => {
    const hostile = { data: "*/ process.exit(3) /* `${x}` O'Brien $(rm -rf /) \u2028 line\nbreak Привет 🎉", n: 4 };
    const text = embeddedArgsText(bannerFunction(substitute(moduleBanner('embedded'), hostile)));
    expect(JSON.parse(text!)).to.deep.equal(hostile);
  });

  it('falls back to the WANT_JSON file path in argv[2], wrapped or not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtseal-args-'));
    try {
      writeFileSync(join(dir, 'args'), JSON.stringify({ ANSIBLE_MODULE_ARGS: { a: 1 } }));
      expect(loadRawArgs(['node', 'mod', join(dir, 'args')], undefined)).to.deep.equal({
        source: 'file',
        args: { a: 1 },
      });
      writeFileSync(join(dir, 'args'), '{"b":2}');
      expect(loadRawArgs(['node', 'mod', join(dir, 'args')], undefined).args).to.deep.equal({ b: 2 });
      writeFileSync(join(dir, 'args'), 'b=2');
      expect(() => loadRawArgs(['node', 'mod', join(dir, 'args')], undefined)).to.throw(/not JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(loadRawArgs(['node', 'mod'], '{"c":3}')).to.deep.equal({ source: 'embedded', args: { c: 3 } });
    expect(() => loadRawArgs(['node', 'mod'], undefined)).to.throw(/no module arguments/);
  });

  it('splits _ansible_* keys from task parameters', () => {
    const { params, internals } = splitInternals({
      a: 1,
      _ansible_check_mode: true,
      _ansible_diff: false,
      _ansible_verbosity: 3,
      _ansible_no_log: true,
      _ansible_module_name: 'virtseal.core.ping',
      _ansible_tmpdir: '/t',
      _ansible_remote_tmp: '~/.ansible/tmp',
      _ansible_version: '2.14.18',
    });
    expect(params).to.deep.equal({ a: 1 });
    expect(internals).to.deep.include({
      checkMode: true,
      diff: false,
      verbosity: 3,
      noLog: true,
      moduleName: 'virtseal.core.ping',
      tmpdir: '/t',
      remoteTmp: '~/.ansible/tmp',
      version: '2.14.18',
    });
  });

  it('the WANT_JSON banner carries no marker', () => {
    expect(moduleBanner('file')).to.include('WANT_JSON').and.not.include('JSON_ARGS>>');
  });
});

describe('ansible/output', () => {
  it('escapes U+2028, U+2029 and U+0085 and stays valid JSON', () => {
    const value = { msg: 'a\u2028b\u2029c\u0085d' };
    const text = serializeResult(value);
    expect(text).to.not.match(/[\u2028\u2029\u0085]/);
    expect(text).to.include('\\u2028').and.include('\\u0085');
    expect(JSON.parse(text)).to.deep.equal(value);
  });
});
