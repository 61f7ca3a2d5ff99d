/**
 * Test fixture: makes sure a libvirtd answers on qemu:///system on this machine (no systemd here), starting
 * virtlogd/libvirtd itself when none runs and stopping only what it started, by pid, when the test process exits.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface LibvirtHost {
  readonly uri: string;
}

const has = (program: string): boolean => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', program]).status === 0;

/** Why the libvirt tests cannot run here, or undefined when they can. */
export function libvirtSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to run libvirtd with qemu:///system';
  for (const p of ['qemu-system-x86_64', 'qemu-img', 'libvirtd', 'virtlogd', 'virsh']) {
    if (!has(p))
      return `${p} is not installed (build/install-deps.sh installs qemu-system-x86, qemu-utils, libvirt-daemon-system, libvirt-clients)`;
  }
  // A VM's TPM is an swtpm emulator.
  if (!has('swtpm')) return 'swtpm is not installed (build/install-deps.sh installs swtpm and swtpm-tools)';
  const accel = spawnSync('qemu-system-x86_64', ['-accel', 'help'], { encoding: 'utf8' });
  if (!/tcg/.test(accel.stdout ?? '')) return 'this qemu-system-x86_64 has no TCG accelerator';
  return undefined;
}

function pidsOf(name: string): number[] {
  const r = spawnSync('pgrep', ['-x', name], { encoding: 'utf8' });
  return (r.stdout ?? '').split('\n').filter(Boolean).map(Number);
}

function answers(uri: string): boolean {
  return spawnSync('virsh', ['-c', uri, 'version'], { timeout: 20_000 }).status === 0;
}

/** Daemons this test process started, stopped by pid when the process exits (never one it found running). */
const startedHere: number[] = [];
let shared: Promise<LibvirtHost> | undefined;

function startDaemon(name: 'virtlogd' | 'libvirtd', logDir: string): void {
  const before = new Set(pidsOf(name));
  const env =
    name === 'libvirtd'
      ? { ...process.env, LIBVIRT_LOG_OUTPUTS: `3:file:${join(logDir, 'virtseal-tests-libvirtd.log')}` }
      : process.env;
  execFileSync(name, ['--daemon'], { env });
  startedHere.push(...pidsOf(name).filter((p) => !before.has(p)));
}

function stopStartedDaemons(uri: string): void {
  // Other runs on this machine may share a daemon this process started: leave it while any domain runs.
  const running =
    spawnSync('virsh', ['-q', '-c', uri, 'list', '--name'], { encoding: 'utf8', timeout: 10_000 }).stdout ?? '';
  if (running.trim().length > 0) return;
  for (const pid of startedHere.reverse()) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
}

const swtpmLocalCa = '/var/lib/swtpm-localca';

async function startOrFind(uri: string): Promise<LibvirtHost> {
  // Without udev /dev/kvm stays root 0600; libvirt then re-probes QEMU on every call (a minute per define).
  if (existsSync('/dev/kvm') && (statSync('/dev/kvm').mode & 0o060) !== 0o060) {
    execFileSync('chgrp', ['kvm', '/dev/kvm']);
    chmodSync('/dev/kvm', 0o660);
  }
  // libvirtd runs swtpm_setup as the tss user when it exists (Debian's swtpm-tools creates it), and swtpm_localca
  // then needs to write its CA state; files a root-run swtpm_setup left behind there make every TPM VM fail to start.
  if (existsSync(swtpmLocalCa) && spawnSync('getent', ['passwd', 'tss']).status === 0) {
    execFileSync('chown', ['-R', 'tss', swtpmLocalCa]);
  }
  // A log path that outlives this run: the daemon may stay up for other runs, and libvirtd's helpers fail when
  // its log file's directory has gone.
  const logDir = '/var/log/libvirt';
  mkdirSync(logDir, { recursive: true });
  const deadline = Date.now() + 90_000;
  // A daemon that was shutting down when this looked may be gone a moment later: start one whenever none runs.
  while (!answers(uri)) {
    if (pidsOf('virtlogd').length === 0) startDaemon('virtlogd', logDir);
    if (pidsOf('libvirtd').length === 0) startDaemon('libvirtd', logDir);
    if (Date.now() > deadline) {
      const logFile = join(logDir, 'virtseal-tests-libvirtd.log');
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
      throw new Error(`libvirtd did not answer on ${uri} within 90 s\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (startedHere.length > 0) process.once('exit', () => stopStartedDaemons(uri));
  return { uri };
}

/**
 * One daemon per test process, shared by every suite in it: stopping and restarting libvirtd between suites races
 * its shutdown. A daemon this process started is stopped when the process exits.
 */
export function ensureLibvirtd(uri = 'qemu:///system'): Promise<LibvirtHost> {
  shared ??= startOrFind(uri).catch((e: unknown) => {
    shared = undefined;
    throw e;
  });
  return shared;
}

/** For a suite's `before`: skips the suite (saying why) when libvirt cannot run here, else the shared daemon. */
export async function libvirtOrSkip(suite: Mocha.Context): Promise<LibvirtHost> {
  const skip = libvirtSkipReason();
  if (skip) {
    console.log(`      skipped: ${skip}`);
    suite.skip();
  }
  return ensureLibvirtd();
}
