import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parse } from 'yaml';
import { decide, matchRule } from '../../../src/netbox/map-event';
import { buildMapping, loadMapping, type Mapping } from '../../../src/netbox/mapping';
import { parseEvent } from '../../../src/netbox/payload';
import { renderRulebook } from '../../../src/netbox/rulebook';
import { Redactor, resolveVars } from '../../../src/netbox/secrets';

const repo = (p: string) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));
const fixture = () =>
  JSON.parse(readFileSync(repo('test/fixtures/netbox/vm-updated-staged-to-active-v4.6.json'), 'utf8'));

function event(kind: string, from: string | null, to: string) {
  const b = fixture();
  b.event = kind;
  b.data.status = { value: to, label: to };
  b.snapshots.prechange = from === null ? null : { ...b.snapshots.prechange, status: from };
  return b;
}

const CASES: [string, string | null, string][] = [
  ['created', null, 'staged'],
  ['created', null, 'active'],
  ['updated', 'planned', 'staged'],
  ['updated', 'staged', 'active'],
  ['updated', 'active', 'offline'],
  ['deleted', 'offline', 'offline'],
];

/** Bridge answers and rendered rulebook answers for each case, side by side. */
function compare(mapping: Mapping, env: Record<string, string>) {
  const book = parse(renderRulebook(mapping, { diskMb: true }))[0];
  const launching = mapping.rules.filter((r) => r.action !== 'ignore');
  const bridge: Record<string, unknown>[] = [];
  const jobs = CASES.map(([kind, from, to]) => {
    const body = event(kind, from, to);
    const ev = parseEvent(body);
    const d = decide(mapping, ev);
    if (d.kind !== 'launch') throw new Error(d.reason);
    bridge.push(resolveVars(d.plan.extraVars, env, new Redactor()));
    const rule = book.rules[launching.indexOf(matchRule(mapping, ev)!)];
    return {
      templates: rule.action.run_job_template.job_args.extra_vars,
      context: { event: { payload: body }, ...env },
    };
  });
  const rendered: Record<string, unknown>[] = JSON.parse(
    execFileSync('python3', [repo('test/component/netbox/render-jinja.py')], {
      input: JSON.stringify(jobs),
    }).toString(),
  );
  // Where the bridge leaves a variable out, the rulebook sends "" (Jinja in a rulebook cannot drop a key).
  return { bridge, eda: rendered.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== ''))) };
}

describe('netbox/rulebook (Event-Driven Ansible)', () => {
  it('ships the rulebook generated from the built-in mapping (regenerate with `virtseal netbox rulebook`)', () => {
    const shipped = readFileSync(repo('collection/extensions/eda/rulebooks/netbox.yml'), 'utf8');
    expect(shipped).to.equal(renderRulebook(buildMapping({}), { diskMb: true }));
  });

  it("listens with ansible.eda.webhook verifying NetBox's signature", () => {
    const [book] = parse(readFileSync(repo('collection/extensions/eda/rulebooks/netbox.yml'), 'utf8'));
    expect(book.sources[0]['ansible.eda.webhook']).to.deep.include({
      hmac_secret: '{{ NETBOX_WEBHOOK_SECRET }}',
      hmac_algo: 'sha512',
      hmac_header: 'X-Hook-Signature',
      hmac_format: 'hex',
    });
    expect(book.rules.map((r: any) => r.name)).to.deep.equal([
      'create VM when created to staged/offline',
      'create VM when created to active',
      'create VM when updated from planned to staged/offline',
      'create VM when updated from planned to active',
      'start VM when updated from staged/offline/paused/failed to active',
      'stop VM when updated from active/paused to offline/decommissioning',
      'delete VM when deleted to staged/active/offline/paused/failed/decommissioning',
    ]);
    expect(book.rules[4].condition).to.equal(
      'event.payload.data.url is search("/api/virtualization/virtual-machines/") and event.payload.event in ["updated", "object_updated"]' +
        ' and event.payload.snapshots.prechange.status in ["staged", "offline", "paused", "failed"] and event.payload.data.status.value in ["active"]' +
        ' and event.payload.data.cluster.name is defined',
    );
  });

  it('passes ansible-lint as a rulebook (its rulebook schema), and a broken copy does not', function () {
    this.timeout(120_000);
    const dir = mkdtempSync(join(tmpdir(), 'virtseal-rulebook-lint-'));
    try {
      const books = join(dir, 'extensions', 'eda', 'rulebooks');
      mkdirSync(books, { recursive: true });
      const text = readFileSync(repo('collection/extensions/eda/rulebooks/netbox.yml'), 'utf8');
      const lint = (content: string) => {
        writeFileSync(join(books, 'netbox.yml'), content);
        const r = spawnSync('ansible-lint', ['--offline', '--nocolor', '-vv', 'extensions/eda/rulebooks/netbox.yml'], {
          cwd: dir,
          encoding: 'utf8',
        });
        return { code: r.status, out: `${r.stdout}${r.stderr}` };
      };
      const good = lint(text);
      expect(good.out).to.contain('of type rulebook');
      expect(good.code, good.out).to.equal(0);
      const broken = lint(text.replace('\n  rules:\n', '\n  rulez:\n'));
      expect(broken.code).not.to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is packed into the collection tarball by ansible-galaxy', function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'virtseal-rulebook-galaxy-'));
    try {
      const out = execFileSync(
        'ansible-galaxy',
        ['collection', 'build', repo('collection'), '--output-path', dir, '--force'],
        { encoding: 'utf8' },
      );
      const tarball = /Created collection for \S+ at (\S+\.tar\.gz)/.exec(out)![1]!;
      expect(execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n')).to.include(
        'extensions/eda/rulebooks/netbox.yml',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('renders the same survey answers as the bridge for every transition (built-in mapping, real Jinja)', () => {
    const { bridge, eda } = compare(buildMapping({}), {});
    expect(eda).to.deep.equal(bridge);
  });

  it('renders the same vm_hypervisor as the bridge for a Xen pool cluster (cluster_hypervisors)', () => {
    const xen = compare(buildMapping({ cluster_hypervisors: { 'hv-cluster-01': 'xen' } }), {});
    expect(xen.eda).to.deep.equal(xen.bridge);
    expect(xen.eda.map((v) => v.vm_hypervisor)).to.deep.equal(xen.eda.map(() => 'xen'));
    const other = compare(buildMapping({ cluster_hypervisors: { 'xcp-pool-02': 'xen' } }), {});
    expect(other.eda).to.deep.equal(other.bridge);
    expect(other.eda[0]).to.include({ vm_hypervisor: 'hyperv' });
  });

  it('renders the same survey answers with the example mapping (host and image tables, custom fields, secrets by env)', () => {
    const mapping = loadMapping(repo('examples/netbox/mapping.yml'));
    const { bridge, eda } = compare(mapping, { VM_ADMIN_PASSWORD: 'eda-pw-1' });
    expect(eda).to.deep.equal(bridge);
    expect(eda[0]).to.deep.include({
      vm_host: 'hv01.example.net',
      vm_image: 'ubuntu-24.04',
      vm_admin_password: 'eda-pw-1',
      vm_cpu_count: 4,
      vm_disk_gb: 80,
    });
  });
});
