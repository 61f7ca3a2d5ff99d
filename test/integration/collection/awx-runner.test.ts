/**
 * AWX the way AWX runs a job: ansible-runner (the runner inside AWX's execution environments) runs each playbook of
 * the project from a private data directory laid out as AWX lays one out (test/helpers/awx_job.py): survey answers
 * in env/extravars, the credential type's injectors rendered into env/envvars and a 0600 file under env/, prompts in
 * env/passwords, the inventory script in inventory/, the project in project/. The collection is installed as in
 * the execution environment, and the hypervisor is the Hyper-V host simulator.
 *
 * Then every field of collection/awx/credential_type.json is shown to take effect: each changes the outcome of the
 * same job (a stop job on a VM that is off) in the way only that field can.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ROOT } from '../../../build/generate';
import { startStandardSim, type StandardSim } from '../../../src/sim/standard-sim';
import { AnsibleWorkspace } from '../../helpers/ansible';
import { createVars } from './vars';

const JOB_HELPER = join(dirname(fileURLToPath(import.meta.url)), '../../helpers/awx_job.py');
const CREDENTIAL_TYPE = JSON.parse(readFileSync(join(ROOT, 'collection/awx/credential_type.json'), 'utf8')) as {
  inputs: { fields: { id: string }[] };
  injectors: unknown;
};
// AWX's Demo Inventory: localhost on the local connection with the EE's python.
const DEMO_INVENTORY = {
  all: { hosts: ['localhost'] },
  _meta: {
    hostvars: {
      localhost: { ansible_connection: 'local', ansible_python_interpreter: '{{ ansible_playbook_python }}' },
    },
  },
};

interface JobEvent {
  event: string;
  event_data?: { task?: string; res?: Record<string, unknown> };
}
interface Job {
  rc: number;
  status: string;
  /** Results of each task by name (the last event of each). */
  tasks: Record<string, { event: string; res: Record<string, unknown> }>;
  /** Everything the job left in its artifacts (stdout, job events): what AWX stores and shows. */
  artifactsText: string;
  artifactFiles: { path: string; text: string }[];
  /** The job's output as AWX shows it. */
  stdout: string;
  privateDataDir: string;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('collection: AWX jobs through ansible-runner and the simulator', function () {
  this.timeout(900_000);
  let ws: AnsibleWorkspace;
  let world: StandardSim;
  let scratch: string;
  let jobs = 0;
  let keys: {
    plain: string;
    encrypted: string;
    passphrase: string;
    otherHostKeyFingerprint: string;
    knownHosts: string;
  };
  const password = `Pw-${randomBytes(12).toString('base64url')}`;

  before(async () => {
    ws = new AnsibleWorkspace();
    scratch = mkdtempSync(join(tmpdir(), 'virtseal-awx-'));
    const keygen = (name: string, passphrase: string): string => {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', name, '-f', join(scratch, name)]);
      return join(scratch, name);
    };
    const passphrase = `Kp-${randomBytes(9).toString('base64url')}`;
    const plain = keygen('plain', '');
    const encrypted = keygen('encrypted', passphrase);
    const other = keygen('other-host', '');
    world = await startStandardSim({
      password,
      authorizedKeys: [readFileSync(`${plain}.pub`, 'utf8').trim(), readFileSync(`${encrypted}.pub`, 'utf8').trim()],
    });
    ws.install(await ws.buildCollection('embedded'));
    // The project as AWX checks it out: the repository, of which the jobs use playbooks/.
    cpSync(join(ROOT, 'playbooks'), join(scratch, 'project/playbooks'), { recursive: true });
    // known_hosts lines as an admin would collect them with ssh-keyscan.
    // (asynchronously: the simulator answers from this process's event loop)
    const scanned = await new Promise<string>((resolve, reject) => {
      execFile('ssh-keyscan', ['-p', String(world.sim.port), '-t', 'ed25519', world.sim.host], (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      );
    });
    expect(scanned).to.match(/ssh-ed25519 /);
    const otherFp = execFileSync('ssh-keygen', ['-lf', `${other}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
    keys = {
      plain: readFileSync(plain, 'utf8').trimEnd(), // AWX adds the final newline back
      encrypted: readFileSync(encrypted, 'utf8'),
      passphrase,
      otherHostKeyFingerprint: otherFp,
      knownHosts: scanned,
    };
  });

  after(async () => {
    await world?.stop();
    ws?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const hostAddress = (): string => `${world.sim.host}:${world.sim.port}`;
  const baseCredential = (): Record<string, string> => ({
    user: world.sim.user,
    password,
    host_key_fingerprint: world.sim.hostKeyFingerprint,
    hypervisor: 'hyperv',
  });

  function job(playbook: string, answers: Record<string, unknown>, credential: Record<string, string>): Promise<Job> {
    const n = ++jobs;
    const pdd = join(scratch, `job-${n}`);
    const input = {
      private_data_dir: pdd,
      project: join(scratch, 'project'),
      playbook,
      survey_answers: answers,
      credential_type: CREDENTIAL_TYPE,
      credential,
      inventory: DEMO_INVENTORY,
      ident: 100 + n,
    };
    // The execution environment: the collection installed, ansible's defaults otherwise.
    const env = ws.env();
    delete env.ANSIBLE_STDOUT_CALLBACK;
    delete env.ANSIBLE_CALLBACK_PLUGINS;
    for (const k of Object.keys(env)) if (k.startsWith('VIRTSEAL_')) delete env[k];
    return new Promise((resolve, reject) => {
      const child = // Debian's python, where python3-ansible-runner installs.
        execFile(
          '/usr/bin/python3',
          [JOB_HELPER],
          { env, cwd: scratch, maxBuffer: 64 * 1024 * 1024 },
          (err, stdout, stderr) => {
            if (err) return reject(new Error(`awx_job.py failed: ${stderr}`));
            const out = JSON.parse(stdout) as { rc: number; status: string; artifacts: string };
            const tasks: Job['tasks'] = {};
            const eventsDir = join(out.artifacts, 'job_events');
            const events = readdirSync(eventsDir)
              .sort((a, b) => parseInt(a, 10) - parseInt(b, 10))
              .map((f) => JSON.parse(readFileSync(join(eventsDir, f), 'utf8')) as JobEvent);
            for (const e of events) {
              if (/^runner_on_(ok|failed|skipped|unreachable)$/.test(e.event) && e.event_data?.task) {
                tasks[e.event_data.task] = { event: e.event, res: e.event_data.res ?? {} };
              }
            }
            // AWX keeps a job's output and events; the rest of the artifacts directory (ansible-runner's `command` file,
            // 0600, which holds the job environment like env/envvars does) is deleted with the private data directory.
            const artifactFiles = filesUnder(out.artifacts)
              .map((f) => ({ path: f.slice(out.artifacts.length + 1), text: readFileSync(f, 'latin1') }))
              .filter((f) => f.path === 'stdout' || f.path.startsWith('job_events/'));
            const artifactsText = artifactFiles.map((f) => f.text).join('\n');
            const stdoutFile = join(out.artifacts, 'stdout');
            resolve({
              ...out,
              tasks,
              artifactsText,
              artifactFiles,
              stdout: existsSync(stdoutFile) ? readFileSync(stdoutFile, 'utf8') : '',
              privateDataDir: pdd,
            });
          },
        );
      child.stdin!.end(JSON.stringify(input));
    });
  }

  const failure = (j: Job): string => {
    const failed = Object.entries(j.tasks).find(
      ([, t]) => t.event === 'runner_on_failed' || t.event === 'runner_on_unreachable',
    );
    return failed
      ? `${failed[0]}: ${String(failed[1].res.msg)}`
      : `no failed task (${j.status}); output:\n${j.stdout.slice(-2000)}`;
  };

  it('lays the private data directory out as AWX does', async () => {
    const j = await job(
      'playbooks/delete.yml',
      { vm_name: 'nope', vm_host: hostAddress(), vm_delete_confirm: 'nope' },
      baseCredential(),
    );
    expect(j.status, failure(j)).to.equal('successful');
    expect(j.tasks['Delete the VM and its owned disks']!.res.changed).to.equal(false);
    const pdd = j.privateDataDir;
    for (const f of [
      'env/extravars',
      'env/envvars',
      'env/passwords',
      'env/settings',
      'inventory/hosts',
      'project/playbooks/delete.yml',
    ]) {
      expect(existsSync(join(pdd, f)), f).to.equal(true);
    }
    const envvars = readFileSync(join(pdd, 'env/envvars'), 'utf8');
    expect(envvars).to.include('VIRTSEAL_HOST_USER');
    const knownHostsFile = /VIRTSEAL_HOST_KNOWN_HOSTS: (\S+)/.exec(envvars)![1]!;
    expect(dirname(knownHostsFile)).to.equal(join(pdd, 'env'));
    expect(statSync(knownHostsFile).mode & 0o777).to.equal(0o600);
  });

  it('AWX masks every secret field in the job environment it stores', () => {
    // AWX stores a job's environment with values hidden when the variable name matches this pattern
    // (awx_plugins.interfaces build_safe_env, SENSITIVE_ENV_VAR_NAMES).
    const sensitive = /API|TOKEN|KEY|SECRET|PASS/i;
    const type = CREDENTIAL_TYPE as unknown as {
      inputs: { fields: { id: string; secret?: boolean }[] };
      injectors: { env: Record<string, string> };
    };
    const secretFields = type.inputs.fields.filter((f) => f.secret).map((f) => f.id);
    expect(secretFields.length).to.be.greaterThan(0);
    for (const field of secretFields) {
      const vars = Object.entries(type.injectors.env)
        .filter(([, tmpl]) => tmpl.includes(`{{ ${field} }}`))
        .map(([name]) => name);
      expect(vars, field).to.have.length(1);
      expect(vars[0], `${field} injected as ${vars[0]}`).to.match(sensitive);
    }
  });

  it('create, stop, start and delete run from their survey answers', async () => {
    const vm = 'awx01';
    const created = await job(
      'playbooks/create.yml',
      { ...createVars, vm_name: vm, vm_host: hostAddress(), vm_admin_password: password.split('').reverse().join('') },
      baseCredential(),
    );
    expect(created.status, failure(created)).to.equal('successful');
    expect(created.tasks['Send the sealed guest configuration']!.res.outcome).to.equal('applied');
    expect(world.sim.registry.vmsNamed(vm)[0]!.state).to.equal('Running');
    const stopped = await job(
      'playbooks/stop.yml',
      { vm_name: vm, vm_host: hostAddress(), vm_force: 'yes' },
      baseCredential(),
    );
    expect(stopped.status, failure(stopped)).to.equal('successful');
    expect(world.sim.registry.vmsNamed(vm)[0]!.state).to.equal('Off');
    const started = await job('playbooks/start.yml', { vm_name: vm, vm_host: hostAddress() }, baseCredential());
    expect(started.status, failure(started)).to.equal('successful');
    expect(world.sim.registry.vmsNamed(vm)[0]!.state).to.equal('Running');
    const deleted = await job(
      'playbooks/delete.yml',
      { vm_name: vm, vm_host: hostAddress(), vm_delete_confirm: vm, vm_force: 'yes' },
      baseCredential(),
    );
    expect(deleted.status, failure(deleted)).to.equal('successful');
    expect(world.sim.registry.vmsNamed(vm)).to.have.length(0);
    // What AWX stores of these jobs (stdout and job events) holds neither the credential's nor the survey's secret.
    for (const j of [created, stopped, started, deleted]) {
      expect(j.artifactsText.length).to.be.greaterThan(1000);
      expect(j.artifactsText.includes(password), 'credential password in artifacts').to.equal(false);
      expect(j.artifactsText.includes(password.split('').reverse().join('')), 'survey password in artifacts').to.equal(
        false,
      );
    }
  });

  describe('every field of the credential type takes effect', () => {
    const vm = 'cred01';
    const stop = (credential: Record<string, string>): Promise<Job> =>
      job('playbooks/stop.yml', { vm_name: vm, vm_host: hostAddress(), vm_force: 'yes' }, credential);

    before(async () => {
      const created = await job(
        'playbooks/create.yml',
        { ...createVars, vm_name: vm, vm_host: hostAddress(), vm_start: 'no' },
        baseCredential(),
      );
      expect(created.status, failure(created)).to.equal('successful');
    });

    it('covers each field of credential_type.json', () => {
      expect(CREDENTIAL_TYPE.inputs.fields.map((f) => f.id).sort()).to.deep.equal(
        [
          'host_key_fingerprint',
          'hypervisor',
          'known_hosts',
          'password',
          'private_key',
          'private_key_passphrase',
          'user',
        ].sort(),
      );
    });

    it('user and password: the right pair connects, a wrong user or password is refused', async () => {
      const ok = await stop(baseCredential());
      expect(ok.status, failure(ok)).to.equal('successful');
      const wrongUser = await stop({ ...baseCredential(), user: 'nobody' });
      expect(wrongUser.status).to.equal('failed');
      expect(failure(wrongUser)).to.match(/authenticat/i);
      const wrongPassword = await stop({ ...baseCredential(), password: 'not-the-password' });
      expect(wrongPassword.status).to.equal('failed');
      expect(failure(wrongPassword)).to.match(/authenticat/i);
    });

    it('private_key: a key alone (no password) connects', async () => {
      const { password: _p, ...rest } = baseCredential();
      const withKey = await stop({ ...rest, private_key: keys.plain });
      expect(withKey.status, failure(withKey)).to.equal('successful');
      const neither = await stop(rest);
      expect(neither.status).to.equal('failed');
    });

    it('private_key_passphrase: unlocks an encrypted key; without it the key cannot be used', async () => {
      const { password: _p, ...rest } = baseCredential();
      const unlocked = await stop({ ...rest, private_key: keys.encrypted, private_key_passphrase: keys.passphrase });
      expect(unlocked.status, failure(unlocked)).to.equal('successful');
      expect(unlocked.artifactsText.includes(keys.passphrase)).to.equal(false);
      const locked = await stop({ ...rest, private_key: keys.encrypted });
      expect(locked.status).to.equal('failed');
      expect(failure(locked)).to.match(/passphrase|encrypted/i);
    });

    it("host_key_fingerprint: the host's own fingerprint connects, another host's is refused", async () => {
      const wrong = await stop({ ...baseCredential(), host_key_fingerprint: keys.otherHostKeyFingerprint });
      expect(wrong.status).to.equal('failed');
      expect(failure(wrong)).to.match(/host key/i);
    });

    it('known_hosts: lines from ssh-keyscan replace the fingerprint; without either the host key is refused', async () => {
      const { host_key_fingerprint: _f, ...rest } = baseCredential();
      const known = await stop({ ...rest, known_hosts: keys.knownHosts });
      expect(known.status, failure(known)).to.equal('successful');
      const unknown = await stop(rest);
      expect(unknown.status).to.equal('failed');
      expect(failure(unknown)).to.match(/host key/i);
    });

    it('hypervisor: libvirt makes the job speak libvirt to the host (which is Hyper-V here), hyperv works', async () => {
      const libvirt = await stop({ ...baseCredential(), hypervisor: 'libvirt' });
      expect(libvirt.status).to.equal('failed');
      expect(failure(libvirt)).to.match(/virsh|libvirt/i);
      const hyperv = await stop({ ...baseCredential(), hypervisor: 'hyperv' });
      expect(hyperv.status, failure(hyperv)).to.equal('successful');
    });
  });
});
