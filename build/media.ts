/**
 * Builds the provisioning ISOs, reproducibly (same bytes on every run: fixed dates, fixed modes, sorted files,
 * fixed volume UUID) and versioned (package version in the file name and in /VERSION). They hold the agents only:
 * no per-VM data and no secret, so one ISO serves every VM; the config arrives later through the sealed exchange.
 *
 *   npx tsx build/media.ts [OUT_DIR]     → OUT_DIR/virtseal-linux-<v>.iso (NoCloud, label CIDATA)
 *                                          OUT_DIR/virtseal-windows-<v>.iso (label VIRTSEAL)
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
/** 2026-01-01T00:00:00Z: every date on the media. */
const FIXED_DATE = new Date(Date.UTC(2026, 0, 1));
const XORRISO_DATE = '2026010100000000';

export interface MediaResult {
  readonly linuxIso: string;
  readonly windowsIso: string;
  readonly version: string;
}

const source = (path: string): Buffer => readFileSync(join(ROOT, path));

/** cloud-init user-data that installs the agent and its unit from inline content and starts it. */
export function linuxUserData(version: string): string {
  const agent = source('src/guest/linux/virtseal-agent');
  const unit = source('src/guest/linux/virtseal-agent.service');
  const doc = {
    write_files: [
      { path: '/usr/local/sbin/virtseal-agent', permissions: '0755', owner: 'root:root', encoding: 'b64', content: agent.toString('base64') },
      { path: '/etc/systemd/system/virtseal-agent.service', permissions: '0644', owner: 'root:root', encoding: 'b64', content: unit.toString('base64') },
      { path: '/etc/virtseal/media-version', permissions: '0644', owner: 'root:root', content: `${version}\n` },
    ],
    runcmd: [['systemctl', 'daemon-reload'], ['systemctl', 'enable', '--now', '--no-block', 'virtseal-agent.service']],
  };
  return `#cloud-config\n${stringify(doc, { lineWidth: 0 })}`;
}

function stage(dir: string, files: Record<string, Buffer | string>): void {
  for (const [name, content] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    chmodSync(path, name.endsWith('virtseal-agent') ? 0o755 : 0o644);
    utimesSync(path, FIXED_DATE, FIXED_DATE);
  }
  const dirs = new Set(Object.keys(files).flatMap((n) => n.split('/').slice(0, -1).map((_, i, a) => a.slice(0, i + 1).join('/'))));
  for (const d of [...dirs, '']) {
    chmodSync(join(dir, d), 0o755);
    utimesSync(join(dir, d), FIXED_DATE, FIXED_DATE);
  }
}

function makeIso(dir: string, label: string, out: string): void {
  execFileSync('xorriso', ['-as', 'mkisofs', '-quiet', '-o', out, '-V', label, '-J', '-joliet-long', '-r',
    `--modification-date=${XORRISO_DATE}`, '--set_all_file_dates', XORRISO_DATE, '-uid', '0', '-gid', '0', dir],
  { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SOURCE_DATE_EPOCH: String(FIXED_DATE.getTime() / 1000) } });
}

export function buildMedia(outDir: string): MediaResult {
  const version = (JSON.parse(source('package.json').toString()) as { version: string }).version;
  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'virtseal-media-'));
  try {
    const linuxDir = join(work, 'linux');
    stage(linuxDir, {
      'meta-data': `instance-id: virtseal-media-${version}\n`,
      'user-data': linuxUserData(version),
      VERSION: `${version}\n`,
      'virtseal/virtseal-agent': source('src/guest/linux/virtseal-agent'),
      'virtseal/virtseal-agent.service': source('src/guest/linux/virtseal-agent.service'),
    });
    const windowsDir = join(work, 'windows');
    stage(windowsDir, {
      VERSION: `${version}\n`,
      'virtseal/virtseal-agent.ps1': source('src/guest/windows/virtseal-agent.ps1'),
      'virtseal/seal-crypto.ps1': source('src/guest/windows/seal-crypto.ps1'),
      'virtseal/agent-kvp.ps1': source('src/guest/windows/agent-kvp.ps1'),
      'virtseal/agent-steps.ps1': source('src/guest/windows/agent-steps.ps1'),
      'virtseal/agent-core.ps1': source('src/guest/windows/agent-core.ps1'),
      'virtseal/install-agent.ps1': source('src/guest/windows/install-agent.ps1'),
      'virtseal/unattend.xml': source('src/guest/windows/unattend.xml'),
    });
    const linuxIso = join(outDir, `virtseal-linux-${version}.iso`);
    const windowsIso = join(outDir, `virtseal-windows-${version}.iso`);
    makeIso(linuxDir, 'CIDATA', linuxIso);
    makeIso(windowsDir, 'VIRTSEAL', windowsIso);
    return { linuxIso, windowsIso, version };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const result = buildMedia(resolve(process.argv[2] ?? join(ROOT, 'dist/media')));
  console.log(JSON.stringify(result));
}
