/**
 * Test fixture: makes sure a libvirtd answers on qemu:///system on this machine (no systemd here), starting
 * virtlogd/libvirtd itself when none runs and stopping only what it started, by pid.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LibvirtHost {
  readonly uri: string;
  stop(): void;
}

const has = (program: string): boolean => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', program]).status === 0;

/** Why the libvirt tests cannot run here, or undefined when they can. */
export function libvirtSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to run libvirtd with qemu:///system';
  for (const p of ['qemu-system-x86_64', 'qemu-img', 'libvirtd', 'virtlogd', 'virsh']) {
    if (!has(p)) return `${p} is not installed (build/install-deps.sh installs qemu-system-x86, qemu-utils, libvirt-daemon-system, libvirt-clients)`;
  }
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

export async function ensureLibvirtd(uri = 'qemu:///system'): Promise<LibvirtHost> {
  // Without udev /dev/kvm stays root 0600; libvirt then re-probes QEMU on every call (a minute per define).
  if (existsSync('/dev/kvm') && (statSync('/dev/kvm').mode & 0o060) !== 0o060) {
    execFileSync('chgrp', ['kvm', '/dev/kvm']);
    chmodSync('/dev/kvm', 0o660);
  }
  const started: number[] = [];
  const logDir = mkdtempSync(join(tmpdir(), 'virtseal-libvirtd-'));
  if (pidsOf('virtlogd').length === 0) {
    const before = new Set(pidsOf('virtlogd'));
    execFileSync('virtlogd', ['--daemon']);
    started.push(...pidsOf('virtlogd').filter((p) => !before.has(p)));
  }
  if (pidsOf('libvirtd').length === 0) {
    const before = new Set(pidsOf('libvirtd'));
    execFileSync('libvirtd', ['--daemon'], { env: { ...process.env, LIBVIRT_LOG_OUTPUTS: `3:file:${join(logDir, 'libvirtd.log')}` } });
    await new Promise((r) => setTimeout(r, 300));
    started.push(...pidsOf('libvirtd').filter((p) => !before.has(p)));
  }
  const deadline = Date.now() + 90_000;
  while (!answers(uri)) {
    if (Date.now() > deadline) {
      const log = existsSync(join(logDir, 'libvirtd.log')) ? readFileSync(join(logDir, 'libvirtd.log'), 'utf8').slice(-2000) : '';
      throw new Error(`libvirtd did not answer on ${uri} within 90 s\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    uri,
    stop() {
      // Other runs on this machine may share the daemon this run started: leave it while any domain runs.
      const running = spawnSync('virsh', ['-q', '-c', uri, 'list', '--name'], { encoding: 'utf8' }).stdout ?? '';
      if (running.trim().length > 0) started.length = 0;
      for (const pid of started.reverse()) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
      }
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}
