/**
 * Real PowerShell for the simulated Windows host: where pwsh is, the fake Hyper-V modules beside this file, and the
 * compiled object model they load (VirtsealSim.cs, compiled once per machine by Add-Type and cached in the temp dir).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, renameSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The fake modules: beside the sources, or under src/ next to a bundled dist/ build, or under the cwd. */
export const MODULE_DIR =
  [
    fileURLToPath(new URL('./hyperv-module', import.meta.url)),
    fileURLToPath(new URL('../src/sim/hyperv-module', import.meta.url)),
    join(process.cwd(), 'src/sim/hyperv-module'),
  ].find((p) => existsSync(join(p, 'VirtsealSim.cs'))) ?? fileURLToPath(new URL('./hyperv-module', import.meta.url));

/** What to tell someone without pwsh. */
export const PWSH_HINT =
  'pwsh (PowerShell 7) is not installed: run build/install-deps.sh on a machine with the .NET SDK (it installs pwsh 7.6.10 from NuGet)';

let found: string | null | undefined;

/** VIRTSEAL_PWSH when set (e.g. `none` to run as a machine without pwsh); else pwsh on PATH, else the places
 * build/install-deps.sh and `dotnet tool install --global` put it; undefined if none. */
export function findPwsh(): string | undefined {
  if (found !== undefined) return found ?? undefined;
  const forced = process.env.VIRTSEAL_PWSH;
  const candidates =
    forced !== undefined
      ? [forced]
      : [
          ...(process.env.PATH ?? '')
            .split(delimiter)
            .filter((d) => d !== '')
            .map((d) => join(d, 'pwsh')),
          '/usr/local/bin/pwsh',
          join(homedir(), '.dotnet/tools/pwsh'),
        ];
  found = null;
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      found = c;
      break;
    } catch {
      // next
    }
  }
  return found ?? undefined;
}

let compiling: Promise<string> | undefined;

/** The compiled VirtsealSim.cs for this pwsh: cached by content hash; compiled (a few seconds) when missing. */
export function simAssembly(pwsh: string): Promise<string> {
  const source = join(MODULE_DIR, 'VirtsealSim.cs');
  const hash = createHash('sha256').update(readFileSync(source)).update(pwsh).digest('hex').slice(0, 16);
  const target = join(tmpdir(), `virtseal-sim-${hash}.dll`);
  if (existsSync(target)) return Promise.resolve(target);
  compiling ??= new Promise<string>((resolve, reject) => {
    const partial = `${target}.${process.pid}.tmp`;
    const command = `Add-Type -Path '${source.replace(/'/g, "''")}' -OutputAssembly '${partial.replace(/'/g, "''")}' -OutputType Library`;
    execFile(
      pwsh,
      ['-NoProfile', '-NonInteractive', '-Command', command],
      { timeout: 180_000 },
      (error, _stdout, stderr) => {
        compiling = undefined;
        if (error)
          return reject(new Error(`compiling the simulated host's object model failed: ${stderr || error.message}`));
        renameSync(partial, target);
        resolve(target);
      },
    );
  });
  return compiling;
}

/** The -EncodedCommand text that loads the simulated host before running `text`. */
export function withSimHost(text: string): string {
  const q = (p: string): string => `'${p.replace(/'/g, "''")}'`;
  return (
    `Import-Module ${q(join(MODULE_DIR, 'VirtsealSimHost'))} -Global; ` +
    `Import-Module ${q(join(MODULE_DIR, 'Hyper-V'))}, ${q(join(MODULE_DIR, 'CimCmdlets'))} -Global; ` +
    text
  );
}
