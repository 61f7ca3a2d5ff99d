/**
 * The inventory plugin virtseal.core.vms through ansible-inventory, against the Hyper-V host simulator: the VMs of
 * the host with the plugin's own groups and variables, then what ansible's constructed features add (keyed_groups,
 * compose, groups), then its cache (a second run with the host gone answers from the cache; --flush-cache reads the
 * host again), and a bad source file failing with one line.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { stringify } from 'yaml';
import { CollectionHarness } from './harness';

type Inventory = Record<string, { hosts?: string[]; children?: string[] }> & {
  _meta: { hostvars: Record<string, Record<string, unknown>> };
};

function run(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  cmd = 'ansible-inventory',
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, cwd, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('collection: inventory plugin virtseal.core.vms through ansible-inventory', function () {
  this.timeout(600_000);
  let h: CollectionHarness;
  let dir: string;
  let source: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    h = await CollectionHarness.start();
    dir = mkdtempSync(join(tmpdir(), 'virtseal-invplugin-'));
    const made = await h.ws.runPlaybook(
      [
        {
          hosts: 'local',
          gather_facts: false,
          module_defaults: { 'group/virtseal.core.all': { host: h.hostAddress } },
          tasks: [
            {
              name: 'app01',
              'virtseal.core.vm': {
                name: 'app01',
                image: 'debian-12-golden',
                memory_mb: 8192,
                tags: ['web', 'prod'],
                nics: [{ name: 'nic0', network: 'LAN' }],
              },
            },
            {
              name: 'db01',
              'virtseal.core.vm': {
                name: 'db01',
                image: 'debian-12-golden',
                memory_mb: 2048,
                tags: ['db'],
                nics: [{ name: 'nic0', network: 'LAN' }],
              },
            },
          ],
        },
      ],
      { inventory: h.ws.inventory(), env: h.credentialEnv() },
    );
    expect(made.code, made.stdout + made.stderr).to.equal(0);
    source = join(dir, 'lab.virtseal_vms.yml');
    writeFileSync(
      source,
      stringify({
        plugin: 'virtseal.core.vms',
        hosts: [
          { host: h.world.sim.host, port: h.world.sim.port, host_key_fingerprint: h.world.sim.hostKeyFingerprint },
        ],
        keyed_groups: [
          { key: 'virtseal_power_state', prefix: 'state' },
          { key: 'virtseal_tags', prefix: 'role' },
        ],
        compose: { ansible_user: "'ansible'", memory_gb: 'virtseal_memory_mb // 1024' },
        groups: { big: 'virtseal_memory_mb >= 4096' },
        cache: true,
        cache_plugin: 'ansible.builtin.jsonfile',
        cache_connection: join(dir, 'cache'),
        cache_timeout: 3600,
      }),
    );
    // The credential's variables, without the fingerprint (the source pins it per host).
    const { VIRTSEAL_HOST_KEY_FINGERPRINT: _pinned, ...credential } = h.credentialEnv();
    env = { ...h.ws.env(credential), ANSIBLE_INVENTORY_ENABLED: 'virtseal.core.vms' };
  });

  after(async () => {
    await h?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("lists the VMs with the plugin's groups and variables, plus keyed_groups, compose and groups", async () => {
    const listed = await run(['-i', source, '--list'], env, dir);
    expect(listed.code, listed.stderr).to.equal(0);
    const inv = JSON.parse(listed.stdout) as Inventory;
    const vars = inv._meta.hostvars;
    expect(vars.app01).to.deep.include({
      virtseal_vm_name: 'app01',
      virtseal_power_state: 'off',
      virtseal_memory_mb: 8192,
      virtseal_hypervisor: 'hyperv',
    });
    // The plugin's built-in groups.
    expect(inv.tag_web!.hosts).to.deep.equal(['app01']);
    expect(inv.power_off!.hosts).to.include.members(['app01', 'db01']);
    // keyed_groups.
    expect(inv.state_off!.hosts).to.include.members(['app01', 'db01']);
    expect(inv.role_prod!.hosts).to.deep.equal(['app01']);
    expect(inv.role_db!.hosts).to.deep.equal(['db01']);
    // compose.
    expect(vars.app01).to.deep.include({ ansible_user: 'ansible' });
    // Jinja without native types renders a string.
    expect(String(vars.app01!.memory_gb)).to.equal('8');
    expect(String(vars.db01!.memory_gb)).to.equal('2');
    // groups.
    expect(inv.big!.hosts).to.deep.equal(['app01']);
    expect(inv.big!.hosts).to.not.include('db01');
  });

  it('answers from its cache while the host is gone, and reads the host again with --flush-cache', async () => {
    const first = await run(['-i', source, '--list'], env, dir);
    expect(first.code, first.stderr).to.equal(0);
    // Delete a VM behind the cache's back: the cached inventory still lists it.
    const removed = await h.ws.runPlaybook(
      [
        {
          hosts: 'local',
          gather_facts: false,
          tasks: [{ name: 'delete db01', 'virtseal.core.vm': { host: h.hostAddress, name: 'db01', state: 'absent' } }],
        },
      ],
      { inventory: h.ws.inventory(), env: h.credentialEnv() },
    );
    expect(removed.code, removed.stdout + removed.stderr).to.equal(0);
    expect(h.world.sim.registry.vmsNamed('db01')).to.have.length(0);
    const cached = await run(['-i', source, '--list'], env, dir);
    expect(cached.code, cached.stderr).to.equal(0);
    expect((JSON.parse(cached.stdout) as Inventory)._meta.hostvars).to.have.property('db01');
    // ansible-inventory (2.14) has no --flush-cache; ansible-playbook does, and lists the hosts a play targets.
    const play = join(dir, 'all.yml');
    writeFileSync(play, stringify([{ hosts: 'all', gather_facts: false, tasks: [] }]));
    const stale = await run(['-i', source, '--list-hosts', play], env, dir, 'ansible-playbook');
    expect(stale.stdout).to.match(/^\s+db01$/m);
    const fresh = await run(['-i', source, '--flush-cache', '--list-hosts', play], env, dir, 'ansible-playbook');
    expect(fresh.code, fresh.stderr).to.equal(0);
    expect(fresh.stdout).to.match(/^\s+app01$/m);
    expect(fresh.stdout).to.not.match(/^\s+db01$/m);
    // And the cache now holds the fresh answer.
    const after = await run(['-i', source, '--list'], env, dir);
    expect((JSON.parse(after.stdout) as Inventory)._meta.hostvars).to.not.have.property('db01');
  });

  it('a host that cannot be reached fails the source with one line naming it', async () => {
    const bad = join(dir, 'bad.virtseal_vms.yml');
    writeFileSync(bad, stringify({ plugin: 'virtseal.core.vms', hosts: ['127.0.0.1:1'] }));
    const out = await run(['-i', bad, '--list'], { ...env, ANSIBLE_INVENTORY_UNPARSED_FAILED: 'True' }, dir);
    expect(out.code).to.not.equal(0);
    expect(out.stderr).to.match(/cannot read any hypervisor host: 127\.0\.0\.1:1: /);
  });
});
