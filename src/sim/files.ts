/** The simulated host's file system: Windows paths (`C:\x`, `/C:/x`, `C:/x`) mapped into a real directory. */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export class SimFiles {
  constructor(readonly root: string) {}

  /** Real path of a Windows or SFTP path; throws on anything that would leave the root. */
  local(windowsPath: string): string {
    const slashed = windowsPath.replace(/\\/g, '/').replace(/^\/(?=[A-Za-z]:)/, '');
    const match = /^([A-Za-z]):\/?(.*)$/.exec(slashed);
    if (!match) throw new Error(`path ${windowsPath} is not an absolute Windows path`);
    const parts = match[2]!.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) throw new Error(`path ${windowsPath} leaves its drive`);
    return join(this.root, match[1]!.toUpperCase(), ...parts);
  }

  exists(windowsPath: string): boolean {
    return existsSync(this.local(windowsPath));
  }

  size(windowsPath: string): number {
    return statSync(this.local(windowsPath)).size;
  }

  ensureParent(windowsPath: string): string {
    const local = this.local(windowsPath);
    mkdirSync(dirname(local), { recursive: true });
    return local;
  }
}

export function winJoin(...parts: string[]): string {
  return parts.map((p, i) => (i === 0 ? p.replace(/[\\/]+$/, '') : p.replace(/^[\\/]+|[\\/]+$/g, ''))).join('\\');
}

export function winDirname(path: string): string {
  const i = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return i <= 0 ? path : path.slice(0, i);
}
