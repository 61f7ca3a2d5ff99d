import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { LaunchOutcome, Launcher } from './launcher';
import type { LaunchPlan } from './map-event';
import { type Redactor, resolveVars } from './secrets';

export interface LocalLauncherOptions {
  /** The ansible-playbook executable. Default `ansible-playbook`. */
  readonly command?: string;
  /** Directory playbook paths of the mapping are relative to; also the working directory. */
  readonly projectDir: string;
  /** Inventory passed with -i; none = ansible's default. */
  readonly inventory?: string;
  readonly env: NodeJS.ProcessEnv;
  readonly redactor: Redactor;
  /** Seen by tests: the argument vector of each run (it never holds a value). */
  readonly onSpawn?: (argv: readonly string[]) => void;
}

/** ansible-playbook exit code for unreachable hosts: the hypervisor may come back, so it is retried. */
const UNREACHABLE = 3;

/**
 * Runs the playbook on this machine. Survey answers go through a 0600 JSON file passed as `-e @file` — never on
 * the command line, where `ps` would show them — and the file is removed as soon as ansible-playbook exits.
 */
export class LocalLauncher implements Launcher {
  readonly name = 'ansible-playbook';

  constructor(private readonly options: LocalLauncherOptions) {}

  async launch(plan: LaunchPlan): Promise<LaunchOutcome> {
    let vars;
    try {
      vars = resolveVars(plan.extraVars, this.options.env, this.options.redactor);
    } catch (error) {
      return { kind: 'failed', error: (error as Error).message };
    }
    const dir = await mkdtemp(join(tmpdir(), 'virtseal-netbox-'));
    try {
      const file = join(dir, 'extra-vars.json');
      await writeFile(file, JSON.stringify(vars), { mode: 0o600 });
      const playbook = isAbsolute(plan.playbook) ? plan.playbook : join(this.options.projectDir, plan.playbook);
      const argv = [...(this.options.inventory ? ['-i', this.options.inventory] : []), '-e', `@${file}`, playbook];
      this.options.onSpawn?.(argv);
      const { code, output } = await run(this.options.command ?? 'ansible-playbook', argv, this.options.projectDir, this.options.env);
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

function run(command: string, argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | string; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, argv, { cwd, env: { ...env, ANSIBLE_NOCOLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
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
