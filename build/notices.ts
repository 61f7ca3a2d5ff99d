/**
 * THIRD-PARTY-NOTICES for the npm packages bundled into the collection. The bundles are minified without their
 * packages' licence comments, so the notices travel as one file beside them: for each package (as the build's esbuild
 * metafiles name it), its name, version, resolved URL and licence from package-lock.json, then the licence and notice
 * files the package itself ships.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface LockedPackage {
  /** `node_modules/...` directory, as package-lock.json keys it. */
  readonly dir: string;
  readonly name: string;
  readonly version: string;
  readonly license: string;
  readonly resolved?: string;
}

/** The package directories (`node_modules/<name>` or nested) that a list of bundle input paths belong to. */
export function packagesOfInputs(inputs: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const input of inputs) {
    const path = input.replace(/\\/g, '/');
    const at = path.lastIndexOf('node_modules/');
    if (at < 0) continue;
    const rest = path.slice(at + 'node_modules/'.length).split('/');
    const name = rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
    // Keep a path relative to the project root (esbuild reports inputs relative to its working directory).
    const prefix = path.slice(0, at).replace(/^.*?(?=(node_modules\/|$))/, '');
    dirs.add(`${prefix}node_modules/${name}`);
  }
  return [...dirs].sort();
}

/** Name, version and licence of each package directory, from package-lock.json (fails for a package not in it). */
export function lockedPackages(dirs: readonly string[], root: string): LockedPackage[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; license?: string; resolved?: string; name?: string }>;
  };
  return dirs.map((dir) => {
    const entry = lock.packages[dir];
    if (!entry?.version) throw new Error(`THIRD-PARTY-NOTICES: ${dir} is bundled but not in package-lock.json`);
    // The lock file copies package.json's `license`; packages that use the older `licenses` array have none there.
    const license = entry.license ?? legacyLicenses(join(root, dir));
    if (!license)
      throw new Error(`THIRD-PARTY-NOTICES: neither package-lock.json nor ${dir}/package.json declares a licence`);
    const name = entry.name ?? dir.slice(dir.lastIndexOf('node_modules/') + 'node_modules/'.length);
    return { dir, name, version: entry.version, license, ...(entry.resolved ? { resolved: entry.resolved } : {}) };
  });
}

/** `licenses: [{type}]` (deprecated package.json form) as an SPDX OR-expression. */
function legacyLicenses(packageDir: string): string | undefined {
  const path = join(packageDir, 'package.json');
  if (!existsSync(path)) return undefined;
  const list = (JSON.parse(readFileSync(path, 'utf8')) as { licenses?: { type?: string }[] }).licenses;
  const types = (list ?? []).map((l) => l.type).filter((t): t is string => typeof t === 'string');
  return types.length > 0 ? types.join(' OR ') : undefined;
}

/** The licence and notice files a package ships (LICENSE, LICENCE, COPYING, NOTICE, in any case, any extension). */
export function licenceFiles(packageDir: string): string[] {
  if (!existsSync(packageDir)) return [];
  return readdirSync(packageDir)
    .filter((f) => /^(licen[cs]e|copying|notice)([.-].*)?$/i.test(f) && statSync(join(packageDir, f)).isFile())
    .sort();
}

export function thirdPartyNotices(dirs: readonly string[], root: string): string {
  const packages = lockedPackages(dirs, root);
  const rule = '-'.repeat(78);
  const out = [
    'THIRD-PARTY NOTICES',
    '',
    'virtseal.core is licensed under the Apache License 2.0 (LICENSE). Its module bundles and its inventory',
    'executable include the following npm packages, each under its own licence, reproduced below.',
    '',
    ...packages.map((p) => `  ${p.name} ${p.version} (${p.license})`),
    '',
  ];
  for (const p of packages) {
    out.push(rule, `${p.name} ${p.version}`, `Licence: ${p.license}`);
    if (p.resolved) out.push(`Source: ${p.resolved}`);
    out.push('');
    const files = licenceFiles(join(root, p.dir));
    if (files.length === 0) {
      out.push(`The package ships no licence file; its package.json declares the licence ${p.license}.`, '');
    }
    for (const f of files) {
      out.push(
        `--- ${f} ---`,
        readFileSync(join(root, p.dir, f), 'utf8')
          .replace(/\r\n/g, '\n')
          .trimEnd(),
        '',
      );
    }
  }
  return `${out.join('\n')}\n`;
}
