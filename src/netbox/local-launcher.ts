import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { LaunchOutcome, Launcher } from './launcher';
import type { LaunchPlan } from './map-event';
import { PrivateTmp } from './private-tmp';
import { type Redactor, resolveVars } from './secrets';
import { checkAnswer } from './survey-rules';
import { unsafeExtraVarsYaml } from './unsafe-vars';

export interface LocalLauncherOptions {
  /** The ansible-playbook executable. Default `ansible-playbook`. */
  readonly command?: string;
  /** Directory playbook paths of the mapping are relative to; also the working directory. */
  readonly projectDir: string;
  /** Inventory passed with -i; none = ansible's default. */
  readonly inventory?: string;
  /** The bridge's environment: `{from_env}` answers are read from it; the child sees only `childEnv` of it. */
  readonly env: NodeJS.ProcessEnv;
  /** Further variable names passed to ansible-playbook besides CHILD_ENV_ALLOW (`--pass-env`). */
  readonly passEnv?: readonly string[];
  readonly redactor: Redactor;
  /** Where the extra-vars files live; default PrivateTmp.open() (swept of dead bridges' leftovers). */
  readonly tmp?: PrivateTmp;
  /** Seen by tests: the argument vector of each run (it never holds a value). */
  readonly onSpawn?: (argv: readonly string[]) => void;
}

/**
 * What ansible-playbook inherits: what it needs to run and the hypervisor credentials the playbooks read
 * (VIRTSEAL_HOST_*), never the bridge's own secrets (webhook secret, AWX and NetBox tokens) or `{from_env}`
 * sources, which reach the playbook only as the survey answers they fill.
 */
export const CHILD_ENV_ALLOW: readonly (string | RegExp)[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'SSH_AUTH_SOCK',
  'PYTHONPATH',
  'VIRTUAL_ENV',
  /^LC_[A-Z]+$/,
  /^ANSIBLE_[A-Z0-9_]+$/,
  /^VIRTSEAL_HOST_[A-Z0-9_]+$/,
];

/** The bridge's secrets are never passed on, even when an allow rule or `--pass-env` would match them. */
const NEVER_PASSED = ['VIRTSEAL_WEBHOOK_SECRET', 'VIRTSEAL_AWX_TOKEN', 'VIRTSEAL_NETBOX_TOKEN'];

export function childEnv(env: NodeJS.ProcessEnv, passEnv: readonly string[] = []): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || NEVER_PASSED.includes(k)) continue;
    if (passEnv.includes(k) || CHILD_ENV_ALLOW.some((a) => (typeof a === 'string' ? a === k : a.test(k)))) out[k] = v;
  }
  return out;
}

/** ansible-playbook exit code for unreachable hosts: the hypervisor may come back, so it is retried. */
const UNREACHABLE = 3;

/**
 * Runs the playbook on this machine. Survey answers go through a 0600 YAML file passed as `-e @file` — never on
 * the command line, where `ps` would show them — with every string tagged `!unsafe` so none is rendered as a
 * template, and the file is removed as soon as ansible-playbook exits.
 */
export class LocalLauncher implements Launcher {
  readonly name = 'ansible-playbook';
  private readonly tmp: PrivateTmp;

  constructor(private readonly options: LocalLauncherOptions) {
    this.tmp = options.tmp ?? PrivateTmp.open();
  }

  close(): Promise<void> {
    return this.tmp.close();
  }

  async launch(plan: LaunchPlan): Promise<LaunchOutcome> {
    let vars: ReturnType<typeof resolveVars>;
    try {
      vars = resolveVars(plan.extraVars, this.options.env, this.options.redactor);
      for (const [k, v] of Object.entries(vars)) {
        const checked = checkAnswer(plan.action, k, v);
        if (checked instanceof Error) throw checked;
        vars[k] = checked;
      }
    } catch (error) {
      return { kind: 'failed', error: (error as Error).message };
    }
    const dir = await this.tmp.make();
    try {
      const file = join(dir, 'extra-vars.yml');
      await writeFile(file, unsafeExtraVarsYaml(vars), { mode: 0o600 });
      const playbook = isAbsolute(plan.playbook) ? plan.playbook : join(this.options.projectDir, plan.playbook);
      const argv = [...(this.options.inventory ? ['-i', this.options.inventory] : []), '-e', `@${file}`, playbook];
      this.options.onSpawn?.(argv);
      const { code, output } = await run(
        this.options.command ?? 'ansible-playbook',
        argv,
        this.options.projectDir,
        childEnv(this.options.env, this.options.passEnv),
      );
      const tail = this.options.redactor.redact(output.slice(-1500)).trim();
      const what = `ansible-playbook ${plan.playbook} for ${plan.vmName}`;
      if (code === 0) return { kind: 'done', summary: `${what} succeeded` };
      const error = `${what} exited with ${code}${tail ? `: ${tail.split('\n').slice(-8).join('\n')}` : ''}`;
      return code === UNREACHABLE ? { kind: 'retry', error } : { kind: 'failed', error };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

function run(
  command: string,
  argv: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | string; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, argv, {
      cwd,
      env: { ...env, ANSIBLE_NOCOLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (c: Buffer) => {
      output = (output + c.toString('utf8')).slice(-8192);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => resolve({ code: `not started (${error.message})`, output: '' }));
    child.on('close', (code, signal) => resolve({ code: code ?? `signal ${signal}`, output }));
  });
}
