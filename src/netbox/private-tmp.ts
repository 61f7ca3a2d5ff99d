/**
 * The bridge's private temporary directory: one owner-only root (`$XDG_RUNTIME_DIR/virtseal-netbox`, a tmpfs on
 * systemd machines, else `<tmpdir>/virtseal-netbox-<uid>`) holding one directory per local launch, named after the
 * bridge's pid. Opening it removes what a bridge that died (SIGKILL, power loss on a disk-backed tmp) left behind;
 * closing it removes this process's own. A root that is a symlink or belongs to someone else is refused.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgument } from '../core/errors';

export function defaultPrivateRoot(env: NodeJS.ProcessEnv = process.env): string {
  const uid = process.getuid?.() ?? 0;
  return env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'virtseal-netbox') : join(tmpdir(), `virtseal-netbox-${uid}`);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export class PrivateTmp {
  private constructor(readonly root: string) {}

  /** Creates or checks the root (0700, ours, not a symlink) and sweeps what dead bridges left. */
  static open(root = defaultPrivateRoot()): PrivateTmp {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    const st = lstatSync(root);
    const uid = process.getuid?.();
    if (st.isSymbolicLink() || !st.isDirectory())
      throw new InvalidArgument(
        `temporary directory ${root} is not a plain directory: refusing to keep survey answers there`,
        'tmp',
      );
    if (uid !== undefined && st.uid !== uid)
      throw new InvalidArgument(
        `temporary directory ${root} belongs to uid ${st.uid}, not to this process (${uid})`,
        'tmp',
      );
    if ((st.mode & 0o777) !== 0o700) chmodSync(root, 0o700);
    const tmp = new PrivateTmp(root);
    tmp.sweep();
    return tmp;
  }

  /** Removes the entries of processes no longer running; returns how many. */
  sweep(): number {
    let removed = 0;
    for (const name of readdirSync(this.root)) {
      const pid = Number(/^(\d+)-/.exec(name)?.[1] ?? NaN);
      if (Number.isInteger(pid) && alive(pid)) continue;
      rmSync(join(this.root, name), { recursive: true, force: true });
      removed += 1;
    }
    return removed;
  }

  /** A fresh 0700 directory for one launch. */
  make(): Promise<string> {
    return mkdtemp(join(this.root, `${process.pid}-`));
  }

  /** Removes this process's directories (at exit). */
  async close(): Promise<void> {
    for (const name of readdirSync(this.root)) {
      if (name.startsWith(`${process.pid}-`)) await rm(join(this.root, name), { recursive: true, force: true });
    }
  }
}
