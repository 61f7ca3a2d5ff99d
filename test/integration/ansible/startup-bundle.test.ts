/**
 * Start-up work of a lifecycle module bundle: the large packages (ssh2, xmlbuilder2, fast-xml-parser, yaml) travel
 * inside the one file as strings compiled on first use, drivers load on first use, and both still work from a
 * directory with no node_modules (pipelined from stdin too). Which packages a call compiled is observed through
 * node:vm's compileFunction, wrapped by a --require preload.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { bundleModule, embeddedPackages } from '../../../build/build';
import { startSshd, type TestSshd } from '../../helpers/sshd';

const MARKER = ['<<INCLUDE_ANSIBLE', 'MODULE_JSON_ARGS>>'].join('_');

// Records the name of every embedded package compiled (filename `<bundle>[<package>]`), printed to stderr at exit.
const PRELOAD = `
const vm = require('node:vm');
const original = vm.compileFunction;
const seen = [];
vm.compileFunction = function (code, params, options) {
  const m = /\\[([^\\]]+)\\]$/.exec((options && options.filename) || '');
  if (m) seen.push(m[1]);
  return original.apply(this, arguments);
};
process.on('exit', () => process.stderr.write('\\nCOMPILED ' + JSON.stringify(seen) + '\\n'));
`;

describe('integration: lazy start-up of lifecycle module bundles', function () {
  this.timeout(120_000);
  let dir: string;
  let sshd: TestSshd;
  let server: Server;
  let closingPort: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'virtseal-startup-'));
    writeFileSync(join(dir, 'preload.cjs'), PRELOAD);
    await bundleModule('vm_info', join(dir, 'vm_info'), 'embedded');
    sshd = await startSshd();
    server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closingPort = (server.address() as { port: number }).port;
  });
  after(async () => {
    server.close();
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const env = () =>
    Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VIRTSEAL_') && k !== 'NODE_OPTIONS'));

  /** Runs the bundle the way ansible pipelines it: args substituted for the marker, program on stdin. Asynchronous:
   * the loopback server of these tests runs on this process's event loop. */
  const pipelined = async (args: object) => {
    const program = readFileSync(join(dir, 'vm_info'), 'utf8').split(MARKER).join(JSON.stringify(args));
    const child = spawn('node', ['--require', join(dir, 'preload.cjs')], {
      cwd: dir,
      env: env(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(program);
    await new Promise((resolve) => child.on('close', resolve));
    const compiled = /COMPILED (.*)/.exec(stderr)?.[1];
    expect(compiled, stderr).to.be.a('string');
    return { result: JSON.parse(stdout) as Record<string, unknown>, compiled: JSON.parse(compiled!) as string[] };
  };

  it('a bad-argument call compiles none of the embedded packages', async () => {
    const { result, compiled } = await pipelined({ host: '127.0.0.1', port: 'not-a-port' });
    expect(result).to.include({ failed: true, reason: 'invalid_argument', option: 'port' });
    expect(compiled).to.deep.equal([]);
  });

  it('a Hyper-V call compiles ssh2 and the KVP XML parser, not the libvirt XML builder or yaml', async () => {
    const { result, compiled } = await pipelined({
      host: '127.0.0.1',
      port: closingPort,
      user: 'u',
      password: 'pw-canary-1',
      accept_unknown_host_key: true,
    });
    expect(result).to.include({ failed: true, reason: 'host_unreachable' });
    expect(JSON.stringify(result)).to.not.include('pw-canary-1');
    expect([...compiled].sort()).to.deep.equal(['fast-xml-parser', 'ssh2']);
  });

  it('a libvirt call over SSH loads the libvirt driver: ssh2, fast-xml-parser and xmlbuilder2, not yaml', async () => {
    // A password makes 127.0.0.1 a remote host (SSH), so no virsh runs on this machine.
    const { result, compiled } = await pipelined({
      host: '127.0.0.1',
      port: closingPort,
      user: 'u',
      password: 'pw-canary-2',
      accept_unknown_host_key: true,
      hypervisor: 'libvirt',
    });
    expect(result).to.include({ failed: true, reason: 'host_unreachable' });
    expect(JSON.stringify(result)).to.not.include('pw-canary-2');
    expect([...compiled].sort()).to.deep.equal(['fast-xml-parser', 'ssh2', 'xmlbuilder2']);
  });

  it('the embedded packages work from a directory without node_modules (ssh2 logs in to OpenSSH on loopback)', async () => {
    const entry = `
      import ssh2 from 'ssh2';
      import { create } from 'xmlbuilder2';
      import { XMLParser } from 'fast-xml-parser';
      import { parse, stringify } from 'yaml';
      import { readFileSync } from 'node:fs';
      const xml = create({ version: '1.0' }).ele('domain', { type: 'kvm' }).ele('name').txt("O'Brien & <co>").up().up().end();
      const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml);
      const yaml = parse(stringify({ a: [1, 'two'] }));
      const client = new ssh2.Client();
      client.on('ready', () => client.exec('echo over-ssh', (err, stream) => {
        if (err) throw err;
        let out = '';
        stream.on('data', (d) => (out += d)).on('close', () => {
          client.end();
          console.log(JSON.stringify({ name: parsed.domain.name, type: parsed.domain['@_type'], yaml, out: out.trim() }));
        });
      }));
      client.on('error', (e) => { console.log(JSON.stringify({ error: e.message })); });
      client.connect({ host: '127.0.0.1', port: ${sshd.port}, username: ${JSON.stringify(sshd.user)}, privateKey: readFileSync(${JSON.stringify(sshd.keyFile)}) });
    `;
    const out = join(dir, 'packages.cjs');
    await build({
      stdin: { contents: entry, resolveDir: process.cwd(), loader: 'js' },
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile: out,
      plugins: [embeddedPackages()],
      logLevel: 'error',
    });
    const text = readFileSync(out, 'utf8');
    // The packages are string literals in the one file, not code.
    expect(text).to.not.match(/^\/\/ node_modules\/(ssh2|xmlbuilder2|fast-xml-parser|yaml)\//m);
    const r = spawnSync('node', ['--require', join(dir, 'preload.cjs'), out], {
      cwd: dir,
      env: env(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(JSON.parse(r.stdout.trim().split('\n')[0]!), r.stderr).to.deep.equal({
      name: "O'Brien & <co>",
      type: 'kvm',
      yaml: { a: [1, 'two'] },
      out: 'over-ssh',
    });
    expect((JSON.parse(/COMPILED (.*)/.exec(r.stderr)?.[1] ?? '[]') as string[]).sort()).to.deep.equal([
      'fast-xml-parser',
      'ssh2',
      'xmlbuilder2',
      'yaml',
    ]);
  });
});
