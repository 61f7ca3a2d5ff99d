/**
 * Real ansible-core for tests and benchmarks: build the collection (embedded-args or WANT_JSON variant) into a
 * temporary copy, install the tarball with ansible-galaxy, run ansible-playbook with the test JSON callback.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import {
  buildTarball,
  bundleInventory,
  bundleModule,
  moduleEntries,
  writeThirdPartyNotices,
  type ArgsMode,
} from '../../build/build';
import { ROOT } from '../../build/generate';
import type { TestSshd } from './sshd';

const CALLBACK_DIR = join(dirname(fileURLToPath(import.meta.url)), 'ansible/callback_plugins');

export interface HostReport {
  readonly status: 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';
  readonly seconds: number;
  /** For loops: seconds since the task started at which each item finished. */
  readonly items: number[];
  readonly result: Record<string, unknown>;
}
export interface TaskReport {
  readonly name: string;
  readonly hosts: Record<string, HostReport>;
}
export interface PlaybookReport {
  readonly tasks: TaskReport[];
  readonly stats: Record<string, Record<string, number>>;
}
export interface PlaybookRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** From the virtseal_json callback (absent with callback: 'default'). */
  readonly report?: PlaybookReport;
}

export class AnsibleWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'virtseal-ansible-'));
  readonly collectionsPath = join(this.dir, 'collections');
  private runs = 0;

  /** Bundles the modules into a copy of collection/ and builds the tarball there; returns the tarball path. */
  async buildCollection(argsMode: ArgsMode = 'embedded', options: { wantJsonTwins?: boolean } = {}): Promise<string> {
    const src = join(this.dir, `collection-${argsMode}`);
    cpSync(join(ROOT, 'collection'), src, { recursive: true, filter: (p) => !/plugins\/modules\/[^/.]+$/.test(p) });
    for (const name of moduleEntries()) {
      await bundleModule(name, join(src, 'plugins/modules', name), argsMode);
      // `<module>_want_json`: the same module receiving its args through the WANT_JSON file (for measurements).
      if (options.wantJsonTwins) await bundleModule(name, join(src, 'plugins/modules', `${name}_want_json`), 'file');
    }
    // The inventory executable behind the inventory plugin, and the notices of what the bundles hold.
    mkdirSync(join(src, 'scripts'), { recursive: true });
    await bundleInventory(join(src, 'scripts/virtseal_inventory'));
    writeThirdPartyNotices(src);
    return buildTarball(src, join(this.dir, `dist-${argsMode}`));
  }

  install(tarball: string, collectionsPath = this.collectionsPath): void {
    execFileSync('ansible-galaxy', ['collection', 'install', '--force', '-p', collectionsPath, tarball], {
      stdio: 'pipe',
      cwd: this.dir,
    });
  }

  /** Absolute path of an installed file of virtseal.core. */
  installedPath(rel: string, collectionsPath = this.collectionsPath): string {
    return join(collectionsPath, 'ansible_collections/virtseal/core', rel);
  }

  inventory(sshd?: TestSshd): string {
    const hosts: Record<string, Record<string, unknown>> = { local: { ansible_connection: 'local' } };
    if (sshd) {
      hosts.ssh = {
        ansible_connection: 'ssh',
        ansible_host: '127.0.0.1',
        ansible_port: sshd.port,
        ansible_user: sshd.user,
        ansible_ssh_private_key_file: sshd.keyFile,
        ansible_ssh_common_args: '-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR',
      };
    }
    const path = join(this.dir, 'inventory.yml');
    writeFileSync(path, stringify({ all: { hosts, vars: { ansible_python_interpreter: '/usr/bin/python3' } } }));
    return path;
  }

  env(extra: Record<string, string> = {}, collectionsPath = this.collectionsPath): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('ANSIBLE_')) delete env[k];
    return {
      ...env,
      ANSIBLE_CONFIG: this.emptyConfig(),
      ANSIBLE_COLLECTIONS_PATH: collectionsPath,
      ANSIBLE_COLLECTIONS_SCAN_SYS_PATH: 'False',
      ANSIBLE_PIPELINING: 'True',
      ANSIBLE_CALLBACK_PLUGINS: CALLBACK_DIR,
      ANSIBLE_STDOUT_CALLBACK: 'virtseal_json',
      ANSIBLE_LOCAL_TEMP: join(this.dir, 'local-tmp'),
      ANSIBLE_REMOTE_TMP: join(this.dir, 'remote-tmp'),
      ANSIBLE_SSH_CONTROL_PATH_DIR: join(this.dir, 'cp'),
      ANSIBLE_NOCOLOR: 'True',
      ANSIBLE_RETRY_FILES_ENABLED: 'False',
      ANSIBLE_HOST_KEY_CHECKING: 'False',
      ANSIBLE_DEPRECATION_WARNINGS: 'False',
      ANSIBLE_LOCALHOST_WARNING: 'False',
      ...extra,
    };
  }

  private emptyConfig(): string {
    const path = join(this.dir, 'ansible.cfg');
    if (!existsSync(path))
      writeFileSync(path, '# virtseal tests: ansible defaults, settings come from the environment\n');
    return path;
  }

  /** Runs a playbook (given as a list of plays). `callback: 'default'` gives ansible's human output instead. */
  runPlaybook(
    plays: unknown[],
    options: {
      inventory: string;
      args?: string[];
      env?: Record<string, string>;
      callback?: 'json' | 'default';
      collectionsPath?: string;
    },
  ): Promise<PlaybookRun> {
    const n = ++this.runs;
    const playbook = join(this.dir, `playbook-${n}.yml`);
    const reportFile = join(this.dir, `report-${n}.json`);
    writeFileSync(playbook, stringify(plays));
    const env = this.env(
      {
        ...(options.callback === 'default'
          ? { ANSIBLE_STDOUT_CALLBACK: 'default' }
          : { VIRTSEAL_CALLBACK_OUT: reportFile }),
        ...options.env,
      },
      options.collectionsPath,
    );
    return new Promise((resolve) => {
      execFile(
        'ansible-playbook',
        ['-i', options.inventory, ...(options.args ?? []), playbook],
        { cwd: this.dir, env, maxBuffer: 64 * 1024 * 1024 },
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

  /** Closes ssh ControlPersist masters ansible left running, then removes the workspace. */
  close(): void {
    const cp = join(this.dir, 'cp');
    if (existsSync(cp)) {
      for (const sock of readdirSync(cp)) {
        try {
          execFileSync('ssh', ['-o', `ControlPath=${join(cp, sock)}`, '-O', 'exit', 'virtseal-test'], {
            stdio: 'ignore',
          });
        } catch {
          /* master already gone */
        }
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function taskResult(report: PlaybookReport | undefined, task: string, host: string): HostReport {
  const h = report?.tasks.find((x) => x.name === task && x.hosts[host])?.hosts[host];
  if (!h)
    throw new Error(`no result for task "${task}" on ${host}; tasks: ${report?.tasks.map((x) => x.name).join(', ')}`);
  return h;
}

export function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}
