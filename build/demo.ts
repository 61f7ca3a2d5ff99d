/**
 * `npm run demo`: build the collection, start the Hyper-V host simulator (which runs the real Linux guest agent in
 * its VMs), and run the AWX playbooks create → stop → start → delete with ansible-playbook against it, exactly as a
 * job template would (credentials as VIRTSEAL_HOST_* variables, survey answers as extra vars). Prints what happened.
 * `npm run demo -- --xen` does the same against the fake XAPI pool (hypervisor xen, sealed exchange over xenstore).
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAll } from './build';
import { ROOT } from './generate';
import { startStandardSim } from '../src/sim/standard-sim';
import { startStandardXenSim } from '../src/sim/xapi/standard';

interface TaskReport {
  readonly name: string;
  readonly hosts: Record<string, { status: string; seconds: number; result: Record<string, unknown> }>;
}

const CALLBACKS = join(ROOT, 'test/helpers/ansible/callback_plugins');
const say = (line = ''): void => void process.stdout.write(`${line}\n`);

function runPlaybook(
  dir: string,
  env: NodeJS.ProcessEnv,
  name: string,
  vars: Record<string, unknown>,
): Promise<{ code: number; tasks: TaskReport[]; output: string }> {
  const varsFile = join(dir, `${name}-vars.json`);
  const report = join(dir, `${name}-report.json`);
  writeFileSync(varsFile, JSON.stringify(vars), { mode: 0o600 });
  return new Promise((resolve) => {
    execFile(
      'ansible-playbook',
      ['-i', 'localhost,', '-e', `@${varsFile}`, join(ROOT, 'playbooks', `${name}.yml`)],
      { env: { ...env, VIRTSEAL_CALLBACK_OUT: report }, cwd: dir, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const tasks = existsSync(report)
          ? (JSON.parse(readFileSync(report, 'utf8')) as { tasks: TaskReport[] }).tasks
          : [];
        resolve({ code: error ? 1 : 0, tasks, output: `${stdout}${stderr}` });
      },
    );
  });
}

function describeTask(task: TaskReport): string[] {
  const host = task.hosts.localhost;
  if (!host) return [];
  const mark = { ok: 'ok     ', changed: 'changed', skipped: 'skipped', failed: 'FAILED ' }[host.status] ?? host.status;
  const lines = [`  ${mark}  ${task.name} (${host.seconds.toFixed(1)} s)`];
  for (const change of (host.result.changes as string[] | undefined) ?? []) lines.push(`             - ${change}`);
  if (task.name === 'Report' && typeof host.result.msg === 'string') lines.push(`             ${host.result.msg}`);
  if (host.status === 'failed') lines.push(`             ${String(host.result.msg)}`);
  return lines;
}

/** The demo's target: how to reach it, and what it holds for the report lines. */
interface DemoWorld {
  readonly label: string;
  readonly host: string;
  readonly image: string;
  readonly network: string;
  readonly credentials: Record<string, string>;
  readonly extraVars: Record<string, unknown>;
  describeVm(): string;
  guestRoot(): string | undefined;
  stop(): Promise<void>;
}

async function hypervWorld(): Promise<DemoWorld> {
  const world = await startStandardSim({ password: randomBytes(18).toString('base64url') });
  const { sim } = world;
  const vm = () => sim.registry.vmsNamed('demo01')[0];
  return {
    label: `Hyper-V host ${sim.registry.host.name} on ${sim.host}:${sim.port}, switch LAN, image ${world.preset.imageName}`,
    host: `${sim.host}:${sim.port}`,
    image: world.preset.imageName,
    network: world.preset.switchName,
    credentials: {
      VIRTSEAL_HOST_USER: sim.user,
      VIRTSEAL_HOST_PASSWORD: sim.password,
      VIRTSEAL_HOST_KEY_FINGERPRINT: sim.hostKeyFingerprint,
    },
    extraVars: {},
    describeVm: () =>
      vm()
        ? `VM demo01 is ${vm()!.state}, ${vm()!.disks.length} disk(s), ${vm()!.kvpHost.size} KVP host item(s) left`
        : 'no VM demo01',
    guestRoot: () => (vm() ? world.bridge.dirs(vm()!).root : undefined),
    stop: () => world.stop(),
  };
}

async function xenWorld(): Promise<DemoWorld> {
  const world = await startStandardXenSim();
  const db = world.fake.state.db;
  const vm = () => db.all('VM').find(([, r]) => r.name_label === 'demo01' && !r.is_a_template)?.[1];
  return {
    label: `fake XAPI pool master on ${world.fake.url}, network ${world.networkName}, image ${world.imageName}`,
    host: world.fake.url.replace('https://', ''),
    image: world.imageName,
    network: world.networkName,
    credentials: {
      VIRTSEAL_HOST_HYPERVISOR: 'xen',
      VIRTSEAL_HOST_USER: world.user,
      VIRTSEAL_HOST_PASSWORD: world.password,
      VIRTSEAL_HOST_XAPI_FINGERPRINT: world.fake.tls.fingerprint256,
    },
    extraVars: { vm_secure_boot: 'on', vm_tpm: 'no' },
    describeVm: () => {
      const r = vm();
      return r
        ? `VM demo01 is ${String(r.power_state)}, ${(r.VBDs as string[]).length} disk(s), ${Object.keys(r.xenstore_data as object).length} xenstore_data item(s) left`
        : 'no VM demo01';
    },
    guestRoot: () =>
      vm() && existsSync(join(world.guests.dirs(String(vm()!.uuid)).root, 'etc/passwd'))
        ? world.guests.dirs(String(vm()!.uuid)).root
        : undefined,
    stop: () => world.stop(),
  };
}

async function main(): Promise<void> {
  const xen = process.argv.includes('--xen');
  say(
    `virtseal demo: build → ${xen ? 'fake XAPI pool' : 'Hyper-V host simulator'} → create, stop, start, delete with ansible-playbook`,
  );
  say();
  const { tarball } = await buildAll({ typecheck: false, log: (line) => say(`  build: ${line}`) });
  const dir = mkdtempSync(join(tmpdir(), 'virtseal-demo-'));
  const collections = join(dir, 'collections');
  execFileSync('ansible-galaxy', ['collection', 'install', '--force', '-p', collections, tarball!], { stdio: 'pipe' });
  say(`  installed virtseal.core into ${collections}`);

  const world = xen ? await xenWorld() : await hypervWorld();
  say(`  simulator: ${world.label}`);
  say();
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ANSIBLE_'))),
    ANSIBLE_COLLECTIONS_PATH: collections,
    ANSIBLE_CALLBACK_PLUGINS: CALLBACKS,
    ANSIBLE_STDOUT_CALLBACK: 'virtseal_json',
    ANSIBLE_PYTHON_INTERPRETER: 'auto_silent',
    ANSIBLE_LOCALHOST_WARNING: 'False',
    ANSIBLE_NOCOLOR: 'True',
    ANSIBLE_LOCAL_TEMP: join(dir, 'tmp'),
    // Modules whose arguments hold secrets refuse to run without pipelining (nothing written to the managed host).
    ANSIBLE_PIPELINING: 'True',
    // What the AWX credential type injects:
    ...world.credentials,
  };
  const host = world.host;
  const steps: [string, Record<string, unknown>][] = [
    [
      'create',
      {
        vm_name: 'demo01',
        vm_host: host,
        vm_image: world.image,
        vm_cpu_count: 2,
        vm_memory_mb: 2048,
        vm_disk_gb: 20,
        vm_network: world.network,
        ...world.extraVars,
        vm_ipv4_address: '192.0.2.50/24',
        vm_ipv4_gateway: '192.0.2.1',
        vm_dns_servers: '192.0.2.53',
        vm_domain: 'example.com',
        vm_tags: 'demo',
        vm_admin_user: 'admin',
        vm_admin_password: randomBytes(12).toString('base64url'),
        vm_ssh_authorized_key:
          'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHv1rLvdL8a6u8Xj1+5QZ0sJmU3u5nV0O2bqUe5kq9pF admin@demo',
        vm_guest_config_timeout: 120,
        vm_wait_timeout: 60,
      },
    ],
    ['stop', { vm_name: 'demo01', vm_host: host, vm_force: 'no' }],
    ['start', { vm_name: 'demo01', vm_host: host }],
    ['delete', { vm_name: 'demo01', vm_host: host, vm_delete_confirm: 'demo01', vm_force: 'yes' }],
  ];
  let failed = false;
  try {
    for (const [name, vars] of steps) {
      say(`ansible-playbook playbooks/${name}.yml`);
      const run = await runPlaybook(dir, env, name, vars);
      for (const task of run.tasks) for (const line of describeTask(task)) say(line);
      say(`  → on the host: ${world.describeVm()}`);
      const root = world.guestRoot();
      if (name === 'create' && root) {
        const hostname = existsSync(join(root, 'etc/hostname'))
          ? readFileSync(join(root, 'etc/hostname'), 'utf8').trim()
          : '(none)';
        say(
          `  → in the guest (agent's root): hostname ${hostname}, admin account ${existsSync(join(root, 'etc/passwd')) && /^admin:/m.test(readFileSync(join(root, 'etc/passwd'), 'utf8')) ? 'created' : 'missing'}`,
        );
      }
      say();
      if (run.code !== 0) {
        failed = true;
        say(run.output.slice(-4000));
        break;
      }
    }
  } finally {
    await world.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  say(
    failed
      ? 'demo FAILED'
      : 'demo done: created, configured through the sealed exchange, stopped, started and deleted.',
  );
  process.exitCode = failed ? 1 : 0;
}

await main();
