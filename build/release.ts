/**
 * `npm run release`: build everything, then write the release bundle into dist/:
 *
 *   virtseal-core-<v>.tar.gz       the collection (modules, inventory plugin, LICENSE, THIRD-PARTY-NOTICES)
 *   virtseal-linux-<v>.iso         the guest-agent media (build/media.ts)
 *   virtseal-windows-<v>.iso
 *   execution-environment.yml      ansible-builder v3 definition that installs the tarball beside it
 *   CHANGELOG.md                   rendered from changelogs/ (antsibull-changelog's format)
 *   LICENSE, THIRD-PARTY-NOTICES
 *   SHA256SUMS                     `sha256sum -c SHA256SUMS` checks every file above
 *
 * Flags: --no-typecheck (passed to the build).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { buildAll, BuildError } from './build';
import { changelogMarkdown } from './changelog';
import { ROOT } from './generate';
import { buildMedia } from './media';

export interface ReleaseFiles {
  readonly version: string;
  /** Names of the files in the bundle directory, SHA256SUMS last. */
  readonly files: readonly string[];
}

export function collectionVersion(root = ROOT): string {
  return (parse(readFileSync(join(root, 'collection/galaxy.yml'), 'utf8')) as { version: string }).version;
}

/** The file names a complete bundle of `version` holds. */
export function releaseFileNames(version: string): string[] {
  return [
    `virtseal-core-${version}.tar.gz`,
    `virtseal-linux-${version}.iso`,
    `virtseal-windows-${version}.iso`,
    'execution-environment.yml',
    'CHANGELOG.md',
    'LICENSE',
    'THIRD-PARTY-NOTICES',
    'SHA256SUMS',
  ];
}

/**
 * The repository's execution-environment.yml, pointed at the versioned tarball that sits beside it in the bundle
 * (ansible-builder resolves additional_build_files relative to the definition's directory).
 */
export function releaseExecutionEnvironment(version: string, root = ROOT): string {
  const text = readFileSync(join(root, 'execution-environment.yml'), 'utf8');
  const tarball = `virtseal-core-${version}.tar.gz`;
  const out = text.replaceAll('virtseal-core.tar.gz', tarball);
  const def = parse(out) as { additional_build_files?: { src: string }[] };
  if (!def.additional_build_files?.some((f) => f.src === tarball)) {
    throw new BuildError(`execution-environment.yml does not copy virtseal-core.tar.gz; cannot point it at ${tarball}`);
  }
  const header = `# virtseal ${version} execution environment: run in this directory\n#   ansible-builder build -f execution-environment.yml -t <registry>/virtseal-ee:${version}\n`;
  return (
    header +
    out
      .split('\n')
      .filter((l) => !/^#/.test(l))
      .join('\n')
      .replace(/^\n+/, '')
  );
}

export function sha256sums(dir: string, names: readonly string[]): string {
  return names
    .map(
      (n) =>
        `${createHash('sha256')
          .update(readFileSync(join(dir, n)))
          .digest('hex')}  ${n}\n`,
    )
    .join('');
}

/**
 * Writes every file of the bundle except the tarball (already built into `outDir` by the build) and the checksums
 * last. `collectionDir` is the built collection the tarball came from (its THIRD-PARTY-NOTICES is copied).
 */
export function assembleRelease(outDir: string, options: { root?: string; collectionDir?: string } = {}): ReleaseFiles {
  const root = options.root ?? ROOT;
  const collectionDir = options.collectionDir ?? join(root, 'collection');
  const version = collectionVersion(root);
  const media = buildMedia(outDir);
  if (basename(media.linuxIso) !== `virtseal-linux-${version}.iso`) {
    throw new BuildError(
      `the guest media are version ${media.version} but the collection is ${version}; keep package.json and galaxy.yml in step`,
    );
  }
  writeFileSync(join(outDir, 'execution-environment.yml'), releaseExecutionEnvironment(version, root));
  writeFileSync(join(outDir, 'CHANGELOG.md'), changelogMarkdown(root));
  copyFileSync(join(root, 'LICENSE'), join(outDir, 'LICENSE'));
  copyFileSync(join(collectionDir, 'THIRD-PARTY-NOTICES'), join(outDir, 'THIRD-PARTY-NOTICES'));
  const files = releaseFileNames(version);
  writeFileSync(
    join(outDir, 'SHA256SUMS'),
    sha256sums(
      outDir,
      files.filter((f) => f !== 'SHA256SUMS'),
    ),
  );
  return { version, files };
}

export async function release(
  options: { typecheck?: boolean; log?: (line: string) => void } = {},
): Promise<ReleaseFiles> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { tarball } = await buildAll({ typecheck: options.typecheck ?? true, log });
  const outDir = join(ROOT, 'dist');
  if (!tarball || resolve(tarball) !== join(outDir, `virtseal-core-${collectionVersion()}.tar.gz`)) {
    throw new BuildError(
      `the build wrote ${tarball ?? 'no tarball'}, not dist/virtseal-core-${collectionVersion()}.tar.gz`,
    );
  }
  const result = assembleRelease(outDir);
  for (const f of result.files) log(`release: dist/${f}`);
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    await release({ typecheck: !process.argv.includes('--no-typecheck') });
  } catch (err) {
    console.error(`release: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
