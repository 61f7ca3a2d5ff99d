/**
 * CHANGELOG.md from `changelogs/` in antsibull-changelog's format (config.yaml, changelog.yaml, fragments/*.yml), for
 * the release bundle. antsibull-changelog itself is not packaged for Debian, so this renders the same inputs: the
 * releases recorded in changelog.yaml, plus the fragments no release lists yet, folded into the collection's current
 * version (galaxy.yml). Fragments are linted as antsibull-changelog lints them: a mapping whose keys are configured
 * sections (or the prelude, or `trivial`), a string for the prelude and lists of strings for the rest.
 *
 *   npx tsx build/changelog.ts [OUT]      → OUT (default CHANGELOG.md on stdout)
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { ROOT } from './generate';

export class ChangelogError extends Error {}

interface Config {
  readonly title: string;
  readonly sections: readonly (readonly [string, string])[];
  readonly preludeName: string;
  readonly preludeTitle: string;
  readonly trivialName: string;
  readonly notesdir: string;
  readonly changesFile: string;
}

interface PluginEntry {
  readonly name: string;
  readonly description: string;
  readonly namespace?: string | null;
}

export interface Release {
  readonly version: string;
  readonly date?: string;
  readonly changes: Record<string, string | string[]>;
  readonly modules: readonly PluginEntry[];
  readonly plugins: Record<string, readonly PluginEntry[]>;
}

function readYaml(path: string): unknown {
  try {
    return parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ChangelogError(`${path}: ${(error as Error).message}`);
  }
}

function loadConfig(dir: string): Config {
  const raw = readYaml(join(dir, 'config.yaml')) as Record<string, unknown>;
  const sections = raw.sections as [string, string][] | undefined;
  if (!Array.isArray(sections) || sections.some((s) => !Array.isArray(s) || s.length !== 2)) {
    throw new ChangelogError(`${join(dir, 'config.yaml')}: sections must be a list of [name, title] pairs`);
  }
  return {
    title: String(raw.title ?? 'Changelog'),
    sections,
    preludeName: String(raw.prelude_section_name ?? 'release_summary'),
    preludeTitle: String(raw.prelude_section_title ?? 'Release Summary'),
    trivialName: String(raw.trivial_section_name ?? 'trivial'),
    notesdir: String(raw.notesdir ?? 'fragments'),
    changesFile: String(raw.changes_file ?? 'changelog.yaml'),
  };
}

/** Checks one fragment; returns its changes. */
export function lintFragment(path: string, content: unknown, config: Config): Record<string, string | string[]> {
  if (typeof content !== 'object' || content === null || Array.isArray(content))
    throw new ChangelogError(`${path}: a fragment is a YAML mapping of section names to entries`);
  const known = new Set([config.preludeName, config.trivialName, ...config.sections.map(([n]) => n)]);
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(content)) {
    if (!known.has(key))
      throw new ChangelogError(`${path}: unknown section '${key}' (known: ${[...known].join(', ')})`);
    if (key === config.preludeName) {
      if (typeof value !== 'string') throw new ChangelogError(`${path}: '${key}' must be a string`);
      out[key] = value;
    } else {
      if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string' || v.trim() === '')) {
        throw new ChangelogError(`${path}: '${key}' must be a non-empty list of strings`);
      }
      out[key] = value as string[];
    }
  }
  return out;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  const pb = b.split(/[.+-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/** A module of the collection as its documentation names it (antsibull-changelog finds new plugins the same way). */
export interface DocumentedModule {
  readonly name: string;
  readonly description: string;
  readonly versionAdded: string;
}

/**
 * The releases of changelog.yaml with the pending fragments folded into `currentVersion`, newest first. A module
 * whose version_added is a release (or the current version) and that no release lists yet is added to that release's
 * new modules, as `antsibull-changelog release` does.
 */
export function loadReleases(
  dir: string,
  currentVersion: string,
  modules: readonly DocumentedModule[] = [],
): { config: Config; releases: Release[] } {
  const config = loadConfig(dir);
  const changes = readYaml(join(dir, config.changesFile)) as {
    releases?: Record<string, Record<string, unknown>>;
  } | null;
  const recorded = changes?.releases ?? {};
  const listed = new Set<string>();
  const releases = new Map<
    string,
    {
      date?: string;
      changes: Record<string, string | string[]>;
      modules: PluginEntry[];
      plugins: Record<string, PluginEntry[]>;
    }
  >();
  for (const [version, r] of Object.entries(recorded)) {
    for (const f of (r.fragments as string[] | undefined) ?? []) listed.add(f);
    const ch = lintFragment(`${config.changesFile}: releases.${version}.changes`, r.changes ?? {}, config);
    releases.set(version, {
      ...(r.release_date ? { date: String(r.release_date) } : {}),
      changes: ch,
      modules: (r.modules as PluginEntry[] | undefined) ?? [],
      plugins: (r.plugins as Record<string, PluginEntry[]> | undefined) ?? {},
    });
  }
  const fragmentsDir = join(dir, config.notesdir);
  const pending = existsSync(fragmentsDir)
    ? readdirSync(fragmentsDir)
        .filter((f) => /\.ya?ml$/.test(f) && !listed.has(f))
        .sort()
    : [];
  if (pending.length > 0) {
    const target = releases.get(currentVersion) ?? { changes: {}, modules: [], plugins: {} };
    releases.set(currentVersion, target);
    for (const f of pending) {
      const ch = lintFragment(join(config.notesdir, f), readYaml(join(fragmentsDir, f)), config);
      for (const [key, value] of Object.entries(ch)) {
        if (key === config.preludeName) target.changes[key] = [target.changes[key], value].filter(Boolean).join('\n\n');
        else target.changes[key] = [...((target.changes[key] as string[] | undefined) ?? []), ...(value as string[])];
      }
    }
  }
  const listedModules = new Set([...releases.values()].flatMap((r) => r.modules.map((m) => m.name)));
  for (const m of modules) {
    if (listedModules.has(m.name)) continue;
    if (m.versionAdded !== currentVersion && !releases.has(m.versionAdded)) continue;
    const target = releases.get(m.versionAdded) ?? { changes: {}, modules: [], plugins: {} };
    releases.set(m.versionAdded, target);
    target.modules.push({ name: m.name, description: m.description, namespace: '' });
  }
  const list = [...releases.entries()]
    .sort(([a], [b]) => compareVersions(b, a))
    .map(([version, r]) => ({ version, ...r }));
  return { config, releases: list };
}

/** RST inline literals (``x``) as Markdown code; everything else is kept as written. */
function inline(text: string): string {
  return text
    .replace(/``([^`]+)``/g, '`$1`')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

const anchor = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export function renderChangelog(config: Config, releases: readonly Release[], namespace: string): string {
  const out: string[] = [`# ${config.title} Release Notes`, '', '**Topics**', ''];
  const sectionsOf = (r: Release): [string, string][] => {
    const s: [string, string][] = [];
    if (r.changes[config.preludeName]) s.push([config.preludeName, config.preludeTitle]);
    for (const [name, title] of config.sections) if (r.changes[name]) s.push([name, title]);
    if (r.modules.length > 0) s.push(['new_modules', 'New Modules']);
    for (const kind of Object.keys(r.plugins).sort())
      if (r.plugins[kind]!.length > 0)
        s.push([`new_plugins_${kind}`, `New Plugins (${kind[0]!.toUpperCase()}${kind.slice(1)})`]);
    return s;
  };
  for (const r of releases) {
    out.push(`- [v${r.version}](#v${anchor(r.version)})`);
    for (const [, title] of sectionsOf(r)) out.push(`    - [${title}](#v${anchor(r.version)}-${anchor(title)})`);
  }
  out.push('');
  for (const r of releases) {
    out.push(
      `<a id="v${anchor(r.version)}"></a>`,
      `## v${r.version}`,
      '',
      r.date ? `Released ${r.date}.` : 'Unreleased.',
      '',
    );
    for (const [name, title] of sectionsOf(r)) {
      out.push(`<a id="v${anchor(r.version)}-${anchor(title)}"></a>`, `### ${title}`, '');
      if (name === config.preludeName) {
        out.push(inline(String(r.changes[name])), '');
      } else if (name === 'new_modules') {
        for (const m of [...r.modules].sort((a, b) => a.name.localeCompare(b.name)))
          out.push(`* ${namespace}.${m.name} - ${inline(m.description)}`);
        out.push('');
      } else if (name.startsWith('new_plugins_')) {
        const kind = name.slice('new_plugins_'.length);
        for (const p of [...r.plugins[kind]!].sort((a, b) => a.name.localeCompare(b.name)))
          out.push(`* ${namespace}.${p.name} - ${inline(p.description)}`);
        out.push('');
      } else {
        for (const entry of r.changes[name] as string[]) out.push(`* ${inline(entry)}`);
        out.push('');
      }
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** CHANGELOG.md for the collection in `root` (changelogs/ and collection/galaxy.yml). */
export function changelogMarkdown(root = ROOT): string {
  const galaxy = readYaml(join(root, 'collection/galaxy.yml')) as { namespace: string; name: string; version: string };
  const modulesDir = join(root, 'collection/plugins/modules');
  const modules = existsSync(modulesDir)
    ? readdirSync(modulesDir)
        .filter((f) => f.endsWith('.yml'))
        .map((f) => {
          const doc = (
            readYaml(join(modulesDir, f)) as {
              DOCUMENTATION: { module: string; short_description: string; version_added?: string };
            }
          ).DOCUMENTATION;
          return {
            name: doc.module,
            description: doc.short_description,
            versionAdded: String(doc.version_added ?? ''),
          };
        })
    : [];
  const { config, releases } = loadReleases(join(root, 'changelogs'), galaxy.version, modules);
  return renderChangelog(config, releases, `${galaxy.namespace}.${galaxy.name}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    const md = changelogMarkdown();
    if (process.argv[2]) writeFileSync(process.argv[2], md);
    else process.stdout.write(md);
  } catch (error) {
    console.error(`changelog: ${(error as Error).message}`);
    process.exit(1);
  }
}
