/**
 * Reproducible ISO 9660 volumes (same bytes on every run: fixed dates, fixed modes, sorted files, fixed volume UUID),
 * built with xorriso. The provisioning media (build/media.ts) and the installer seed volumes (install_media) use it.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** 2026-01-01T00:00:00Z: every date on the media. */
export const FIXED_DATE = new Date(Date.UTC(2026, 0, 1));
const XORRISO_DATE = '2026010100000000';

/** Writes `files` under `dir` with fixed modes (0755 for names in `executables`, else 0644) and fixed dates. */
export function stageFiles(
  dir: string,
  files: Record<string, Buffer | string>,
  isExecutable: (name: string) => boolean = () => false,
): void {
  for (const [name, content] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    chmodSync(path, isExecutable(name) ? 0o755 : 0o644);
    utimesSync(path, FIXED_DATE, FIXED_DATE);
  }
  const dirs = new Set(
    Object.keys(files).flatMap((n) =>
      n
        .split('/')
        .slice(0, -1)
        .map((_, i, a) => a.slice(0, i + 1).join('/')),
    ),
  );
  for (const d of [...dirs, '']) {
    chmodSync(join(dir, d), 0o755);
    utimesSync(join(dir, d), FIXED_DATE, FIXED_DATE);
  }
}

/** Builds `out` from the staged directory `dir` with the volume label `label`. */
export function makeIso(dir: string, label: string, out: string): void {
  execFileSync(
    'xorriso',
    [
      '-as',
      'mkisofs',
      '-quiet',
      '-o',
      out,
      '-V',
      label,
      '-J',
      '-joliet-long',
      '-r',
      `--modification-date=${XORRISO_DATE}`,
      '--set_all_file_dates',
      XORRISO_DATE,
      '-uid',
      '0',
      '-gid',
      '0',
      dir,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, SOURCE_DATE_EPOCH: String(FIXED_DATE.getTime() / 1000) },
    },
  );
}

/** Stages `files` in a temporary directory and builds the ISO `out` from them; the directory is removed after. */
export function buildIso(
  files: Record<string, Buffer | string>,
  label: string,
  out: string,
  isExecutable?: (name: string) => boolean,
): void {
  const work = mkdtempSync(join(tmpdir(), 'virtseal-iso-'));
  try {
    stageFiles(work, files, isExecutable);
    makeIso(work, label, out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
