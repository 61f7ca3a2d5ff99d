/**
 * The collection as admins run it: the built tarball installed with ansible-galaxy, the real playbooks run by
 * ansible-playbook on localhost, the Hyper-V host simulator (standard preset, Linux guest agent in started VMs) as
 * the hypervisor, and the host credentials passed the way the AWX credential type does, as VIRTSEAL_HOST_*.
 * Variables go in a 0600 vars file, never on a command line.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ROOT } from '../../../build/generate';
import { startStandardSim, type StandardSim } from '../../../src/sim/standard-sim';
import { AnsibleWorkspace, type PlaybookReport, type PlaybookRun } from '../../helpers/ansible';

export type PlaybookName = 'create' | 'start' | 'stop' | 'delete' | 'publish_image';

export interface PlayOptions {
  readonly check?: boolean;
  readonly verbose?: boolean;
  /** ansible's human output instead of the JSON report. */
  readonly callback?: 'json' | 'default';
  readonly env?: Record<string, string>;
}

export class CollectionHarness {
  private runs = 0;
  private constructor(
    readonly ws: AnsibleWorkspace,
    readonly world: StandardSim,
  ) {}

  static async start(): Promise<CollectionHarness> {
    const ws = new AnsibleWorkspace();
    try {
      ws.install(await ws.buildCollection('embedded'));
      const world = await startStandardSim({ password: randomBytes(18).toString('base64url') });
      return new CollectionHarness(ws, world);
    } catch (error) {
      ws.close();
      throw error;
    }
  }

  get hostAddress(): string {
    return `${this.world.sim.host}:${this.world.sim.port}`;
  }

  /** What the AWX credential injects. */
  credentialEnv(): Record<string, string> {
    return {
      VIRTSEAL_HOST_USER: this.world.sim.user,
      VIRTSEAL_HOST_PASSWORD: this.world.sim.password,
      VIRTSEAL_HOST_KEY_FINGERPRINT: this.world.sim.hostKeyFingerprint,
    };
  }

  play(name: PlaybookName, vars: Record<string, unknown>, options: PlayOptions = {}): Promise<PlaybookRun> {
    const n = ++this.runs;
    const varsFile = join(this.ws.dir, `vars-${n}.json`);
    const reportFile = join(this.ws.dir, `report-${n}.json`);
    writeFileSync(varsFile, JSON.stringify({ vm_host: this.hostAddress, ...vars }), { mode: 0o600 });
    const env = this.ws.env({
      ...this.credentialEnv(),
      ANSIBLE_PYTHON_INTERPRETER: 'auto_silent',
      ...(options.callback === 'default'
        ? { ANSIBLE_STDOUT_CALLBACK: 'default' }
        : { VIRTSEAL_CALLBACK_OUT: reportFile }),
      ...options.env,
    });
    const args = [
      '-i',
      'localhost,',
      '-e',
      `@${varsFile}`,
      ...(options.check ? ['--check', '--diff'] : []),
      ...(options.verbose ? ['-vvvv'] : []),
      join(ROOT, 'playbooks', `${name}.yml`),
    ];
    return new Promise((resolve) => {
      execFile(
        'ansible-playbook',
        args,
        { cwd: this.ws.dir, env, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          const report = existsSync(reportFile)
            ? (JSON.parse(readFileSync(reportFile, 'utf8')) as PlaybookReport)
            : undefined;
          resolve({ code, stdout, stderr, ...(report ? { report } : {}) });
        },
      );
    });
  }

  async stop(): Promise<void> {
    await this.world.stop();
    this.ws.close();
  }
}

/** The result of one task on localhost. */
export function task(run: PlaybookRun, name: string): { status: string; result: Record<string, unknown> } {
  const t = run.report?.tasks.find((x) => x.name === name);
  const h = t?.hosts.localhost;
  if (!h)
    throw new Error(
      `no result for task "${name}"; ran: ${run.report?.tasks.map((x) => x.name).join(', ')}\n${run.stdout}\n${run.stderr}`,
    );
  return h;
}

/** The one failed task of a run, with its message. */
export function failedTask(run: PlaybookRun): { name: string; msg: string; result: Record<string, unknown> } {
  for (const t of run.report?.tasks ?? []) {
    const h = t.hosts.localhost;
    if (h?.status === 'failed') return { name: t.name, msg: String(h.result.msg), result: h.result };
  }
  throw new Error(`no failed task in run (code ${run.code})\n${run.stdout}\n${run.stderr}`);
}
