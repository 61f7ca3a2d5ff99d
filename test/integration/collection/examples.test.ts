/**
 * Every EXAMPLES block of every module, run by ansible-playbook with the built collection against the Hyper-V
 * simulator, and every virtseal result checked against the module's documented RETURN.
 *
 * The examples run as written, with these substitutions only: the host names hv01.example.com and
 * hv02.example.com become the simulator's address (two spellings of it, so the image example publishes to "two"
 * hosts), the image source path moves into the test's workspace (holding the bytes of the library's golden image,
 * so publishing it again is idempotent), the upstream URL of the image example points to a loopback HTTP server
 * serving a qcow2 made here and its SHA256SUMS, each task name gets its module as a prefix, and the example that
 * deliberately fails gets `ignore_errors`. The simulator gets the `Backup` switch the examples name. The VM
 * `web01` is made by the first two vm examples, then every module's examples run, then all vm examples again
 * (which end by deleting web01). Examples written for a libvirt host (LIBVIRT_EXAMPLES) are not run here; install_media's are covered by
 * test/component/install (its seeds are controller files, its attach a libvirt example).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { loadResolvedSchemas } from '../../../build/generate';
import { moduleDocs } from '../../../src/ansible/docs';
import { makeDiskImage } from '../../helpers/disk-images';
import { returnProblems } from '../../helpers/return-check';
import { CollectionHarness } from './harness';

const schemas = loadResolvedSchemas();
const examples = (module: string): Record<string, unknown>[] =>
  parse(moduleDocs(module, schemas[module]!).EXAMPLES) as Record<string, unknown>[];
/**
 * Modules whose examples show a libvirt host: they need libvirtd and a real domain, so they are not run here
 * (vm_console: test/integration/console runs the same lookup against a real QEMU guest through the driver).
 */
const LIBVIRT_EXAMPLES = new Set(['vm_console', 'install_media']);
/** Examples that show a failure on purpose. */
const EXPECTED_FAILURES = new Set(['[ping] Induce a failure to test error handling']);

describe('collection: every module EXAMPLES block runs against the simulator, results match RETURN', function () {
  // About 25 module calls, each running the simulator's PowerShell scripts in pwsh.
  this.timeout(1_800_000);
  let h: CollectionHarness;
  let mirror: Server | undefined;
  before(async () => {
    h = await CollectionHarness.start();
    h.world.sim.registry.switches.push({ name: 'Backup', type: 'Internal', subnet: '198.51.100' });
  });
  after(async () => {
    mirror?.close();
    await h?.stop();
  });

  it('runs them all; every virtseal result carries exactly the documented keys and types', async () => {
    const hv01 = h.hostAddress;
    const hv02 = `localhost:${h.world.sim.port}`;
    const src = join(h.ws.dir, 'srv/images/debian-12-golden.vhdx');
    mkdirSync(join(h.ws.dir, 'srv/images'), { recursive: true });
    // The image module checks src with qemu-img, so the library's golden image becomes a real VHDX (with its
    // checksum beside it, as publishing leaves it) and src holds the same bytes.
    const library = h.world.sim.files.local(h.world.preset.imagePath);
    makeDiskImage(library, 'vhdx');
    writeFileSync(`${library}.sha256`, `${createHash('sha256').update(readFileSync(library)).digest('hex')}\r\n`);
    writeFileSync(src, readFileSync(library));
    mkdirSync(join(h.ws.dir, 'files'), { recursive: true });
    writeFileSync(
      join(h.ws.dir, 'files/admin.pub'),
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBf0ni2JbCmb0sRGYwT9cD7WQn1kzQx5C3dD3PNWm1mf admin@example\n',
    );

    // The upstream image of the URL example: a qcow2 made here and its SHA256SUMS, from a loopback HTTP server.
    const upstream = join(h.ws.dir, 'upstream');
    mkdirSync(upstream, { recursive: true });
    makeDiskImage(join(upstream, 'debian-12-generic-amd64.qcow2'), 'qcow2', { fill: 0x64 });
    const qcow2 = readFileSync(join(upstream, 'debian-12-generic-amd64.qcow2'));
    const sums = `${createHash('sha256').update(qcow2).digest('hex')}  debian-12-generic-amd64.qcow2\n`;
    mirror = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const body =
        path === '/images/debian-12/debian-12-generic-amd64.qcow2'
          ? qcow2
          : path === '/images/debian-12/SHA256SUMS'
            ? Buffer.from(sums)
            : undefined;
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': String(body.length) }).end(body);
    });
    await new Promise<void>((resolve) => mirror!.listen(0, '127.0.0.1', resolve));
    const mirrorBase = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/`;

    const rewrite = (value: unknown): unknown => {
      if (typeof value === 'string') {
        if (value.includes('https://cloud.example.org/'))
          return value.replaceAll('https://cloud.example.org/', mirrorBase);
        return value === 'hv01.example.com'
          ? hv01
          : value === 'hv02.example.com'
            ? hv02
            : value === '/srv/images/debian-12-golden.vhdx'
              ? src
              : value;
      }
      if (Array.isArray(value)) return value.map(rewrite);
      if (value !== null && typeof value === 'object')
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
      return value;
    };
    const tasksOf = (module: string, which?: (i: number) => boolean) =>
      examples(module)
        .filter((_t, i) => which?.(i) ?? true)
        .map((t) => {
          const task = rewrite(t) as Record<string, unknown>;
          task.name = `[${module}] ${String(t.name)}`;
          if (EXPECTED_FAILURES.has(task.name as string)) task.ignore_errors = true;
          return task;
        });
    const order = ['disk', 'nic', 'checkpoint', 'guest_config', 'host_info', 'vm_info', 'image', 'ping'];
    expect([...order, 'vm', ...LIBVIRT_EXAMPLES].sort()).to.deep.equal(Object.keys(schemas).sort());
    const play = (name: string, tasks: unknown[]) => ({
      name,
      hosts: 'localhost',
      connection: 'local',
      gather_facts: false,
      vars: { vault_admin_password: 'Examples-admin-pw-1' },
      tasks,
    });
    const run = await h.ws.runPlaybook(
      [
        play(
          'vm: make web01',
          tasksOf('vm', (i) => i < 2),
        ),
        ...order.map((m) => play(m, tasksOf(m))),
        play('vm: all examples', tasksOf('vm')),
      ],
      { inventory: 'localhost,', env: { ...h.credentialEnv(), ANSIBLE_PYTHON_INTERPRETER: 'auto_silent' } },
    );
    const tasks = run.report?.tasks ?? [];
    expect(tasks.length, `${run.stdout}\n${run.stderr}`).to.be.greaterThan(0);
    const problems: string[] = [];
    let checked = 0;
    for (const t of tasks) {
      const host = t.hosts.localhost;
      if (!host) continue;
      const module = /^\[([a-z_]+)\]/.exec(t.name)?.[1];
      const failed = host.status === 'failed' || host.result.failed === true;
      if (EXPECTED_FAILURES.has(t.name)) {
        expect(failed, t.name).to.equal(true);
        expect(host.result.reason).to.equal('ping_failed');
      } else if (failed) {
        problems.push(`${t.name}: failed: ${String(host.result.msg)}`);
      }
      const invocation = host.result.invocation as { module_args?: unknown } | undefined;
      if (module && invocation?.module_args !== undefined) {
        checked++;
        for (const p of returnProblems(moduleDocs(module, schemas[module]!).RETURN, host.result, failed))
          problems.push(`${t.name}: ${p}`);
      }
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
    expect(run.code, run.stdout.slice(-2000)).to.equal(0);
    const virtsealTasks = [...examples('vm').slice(0, 2), ...order.flatMap(examples), ...examples('vm')].filter((t) =>
      Object.keys(t).some((k) => k.startsWith('virtseal.core.')),
    );
    expect(checked, 'every virtseal example task was checked against RETURN').to.equal(virtsealTasks.length);
    expect(h.world.sim.registry.vmsNamed('web01')).to.have.length(0);
  });
});
