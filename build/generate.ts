/**
 * `npm run generate`: everything derived from src/schemas. Types (src/generated/<module>.ts), the schema registries
 * (src/generated/fragments.ts, src/generated/schemas.ts), ansible-doc sidecars (collection/plugins/modules/<module>.yml)
 * AWX surveys (surveys/<name>.json from surveys/src/<name>.survey.yaml) and the hypervisor choices of the AWX
 * credential type (collection/awx/credential_type.json, from the connection fragment's enum), and the PowerShell
 * scripts embedded for the single-file bundles (<dir>/scripts.generated.ts beside the .ps1 files of each
 * EMBEDDED_SCRIPT_DIRS entry). `--check` writes nothing and exits 1
 * when a file is out of date (the golden test does the same through `generateAll`).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compile } from 'json-schema-to-typescript';
import { parse as parseYaml } from 'yaml';
import { renderDocsYaml } from '../src/ansible/docs';
import { resolveSchema, type OptionSchema } from '../src/ansible/schema';
import { surveyFromDefinition, type SurveyDefinition } from '../src/ansible/survey';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HEADER = (source: string) =>
  `// generated — do not edit. Source: ${source}; regenerate with \`npm run generate\`.`;

function listSchemas(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.schema.json'))
    .map((f) => f.slice(0, -'.schema.json'.length))
    .sort();
}

const pascal = (name: string) =>
  name
    .split(/[_-]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
const ident = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '_');
const readJson = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

export function moduleNames(root = ROOT): string[] {
  return listSchemas(join(root, 'src/schemas'));
}

export function loadFragments(root = ROOT): Record<string, object> {
  return Object.fromEntries(
    listSchemas(join(root, 'src/schemas/fragments')).map((n) => [
      n,
      readJson(join(root, 'src/schemas/fragments', `${n}.schema.json`)),
    ]),
  );
}

export function loadResolvedSchemas(root = ROOT): Record<string, OptionSchema> {
  const fragments = loadFragments(root);
  return Object.fromEntries(
    moduleNames(root).map((n) => [
      n,
      resolveSchema(readJson(join(root, 'src/schemas', `${n}.schema.json`)), fragments),
    ]),
  );
}

function fragmentsFile(names: string[]): string {
  const imports = names.map((n) => `import ${ident(n)} from '../schemas/fragments/${n}.schema.json';`);
  const entries = names.map((n) => `  '${n}': ${ident(n)},`);
  return [
    HEADER('src/schemas/fragments/*.schema.json'),
    ...imports,
    '',
    'export const fragments: Readonly<Record<string, object>> = {',
    ...entries,
    '};',
    '',
  ].join('\n');
}

function registryFile(names: string[]): string {
  const imports = names.map((n) => `import ${ident(n)} from '../schemas/${n}.schema.json';`);
  const entries = names.map((n) => `  ${ident(n)},`);
  return [
    HEADER('src/schemas/*.schema.json'),
    ...imports,
    '',
    '/** Every module schema by module name (raw; resolve with resolveSchema). */',
    'export const moduleSchemas: Readonly<Record<string, object>> = {',
    ...entries,
    '};',
    '',
  ].join('\n');
}

const COMPILE_OPTIONS = {
  additionalProperties: false,
  declareExternallyReferenced: true,
  strictIndexSignatures: true,
  style: { singleQuote: true, printWidth: 120 },
} as const;

/** A module option that is one definition of a fragment (`fragments/<f>.schema.json#/definitions/<option>`). */
const DEFINITION_REF = /^fragments\/([a-z_]+)\.schema\.json#\/definitions\/([a-z_]+)$/;

/**
 * Fragment name → the options a raw module schema takes from that fragment's definitions: all of an `x-fragments`
 * entry's (less those the module declares itself), and single definitions referenced one by one.
 */
function sharedOptions(raw: Record<string, unknown>, fragments: Record<string, object>): Map<string, string[]> {
  const byFragment = new Map<string, string[]>();
  const declared = (raw.properties ?? {}) as Record<string, unknown>;
  for (const fragment of (raw['x-fragments'] ?? []) as string[]) {
    const definitions = Object.keys((fragments[fragment] as { definitions: object }).definitions);
    byFragment.set(
      fragment,
      definitions.filter((option) => !(option in declared)),
    );
  }
  for (const [option, property] of Object.entries(declared as Record<string, { $ref?: string }>)) {
    const m = DEFINITION_REF.exec(property.$ref ?? '');
    // An option that refines the definition (its own description or default) keeps its own declaration.
    if (!m || m[2] !== option || Object.keys(property).length !== 1) continue;
    byFragment.set(m[1]!, [...(byFragment.get(m[1]!) ?? []), option]);
  }
  return byFragment;
}

/** A fragment's definitions, each with its own references resolved. */
function resolveDefinitions(fragment: string, fragments: Record<string, object>): Record<string, object> {
  const names = Object.keys((fragments[fragment] as { definitions: object }).definitions);
  const refs = Object.fromEntries(
    names.map((n) => [n, { $ref: `fragments/${fragment}.schema.json#/definitions/${n}` }]),
  );
  return resolveSchema({ type: 'object', properties: refs }, fragments).properties as Record<string, object>;
}

/** One interface per fragment whose definitions modules take as options (ConnectionOptions, ...). */
async function fragmentTypesFile(fragment: string, definitions: Record<string, object>): Promise<string> {
  const input = {
    type: 'object',
    title: `${pascal(fragment)}Options`,
    additionalProperties: false,
    properties: structuredClone(definitions),
  };
  return compile(input as Parameters<typeof compile>[0], `${pascal(fragment)}Options`, {
    ...COMPILE_OPTIONS,
    bannerComment: `${HEADER(`src/schemas/fragments/${fragment}.schema.json`)}\n/* eslint-disable */`,
  });
}

/**
 * A module's options type. Options taken one by one from a fragment's definitions are not restated: the interface
 * extends that fragment's generated interface (or the part of it the module takes).
 */
async function typesFile(
  name: string,
  schema: OptionSchema,
  shared: Map<string, string[]>,
  fragments: Record<string, object>,
): Promise<string> {
  const input = structuredClone({ ...schema, title: `${pascal(name)}Options` }) as Record<string, unknown> & {
    properties: Record<string, unknown>;
    required?: string[];
  };
  const bases: string[] = [];
  const imports: string[] = [];
  for (const [fragment, options] of [...shared].sort(([a], [b]) => a.localeCompare(b))) {
    const all = Object.keys((fragments[fragment] as { definitions: object }).definitions);
    const base = `${pascal(fragment)}Options`;
    const required = options.filter((o) => input.required?.includes(o));
    if (required.length)
      throw new Error(`${name}: required options ${required.join(', ')} from fragment ${fragment} cannot be shared`);
    for (const option of options) delete input.properties[option];
    imports.push(`import type { ${base} } from './fragment-${fragment}';`);
    bases.push(options.length === all.length ? base : `Pick<${base}, ${options.map((o) => `'${o}'`).join(' | ')}>`);
  }
  const text = await compile(input as Parameters<typeof compile>[0], `${pascal(name)}Options`, {
    ...COMPILE_OPTIONS,
    bannerComment: `${HEADER(`src/schemas/${name}.schema.json`)}\n/* eslint-disable */${imports.length ? `\n\n${imports.join('\n')}` : ''}`,
  });
  if (!bases.length) return text;
  const head = `export interface ${pascal(name)}Options {`;
  if (!text.includes(head)) throw new Error(`${name}: generated type has no '${head}'`);
  return text.replace(head, `export interface ${pascal(name)}Options extends ${bases.join(', ')} {`);
}

/**
 * The AWX credential type is written by hand, except its `hypervisor` field: choices and default are the connection
 * fragment's, so a new hypervisor is offered there without an edit.
 */
function credentialTypeFile(root: string, fragments: Record<string, object>): string {
  const path = join(root, 'collection/awx/credential_type.json');
  const type = readJson(path) as { inputs: { fields: { id: string; choices?: unknown; default?: unknown }[] } };
  const hypervisor = (fragments.connection as { definitions: Record<string, { enum: string[]; default: string }> })
    .definitions.hypervisor!;
  const field = type.inputs.fields.find((f) => f.id === 'hypervisor');
  if (!field) throw new Error(`${path}: no input field 'hypervisor'`);
  field.choices = hypervisor.enum;
  field.default = hypervisor.default;
  return `${JSON.stringify(type, null, 2)}\n`;
}

/**
 * Folders whose .ps1 files travel inside the bundles: a bundled module is one file, so the scripts it sends to a host
 * are embedded as strings. They are data to the transport, sent on stdin, never assembled from values.
 */
export const EMBEDDED_SCRIPT_DIRS = ['src/transport/powershell', 'src/drivers/hyperv/scripts'] as const;

function embeddedScriptsFile(root: string, dir: string): string {
  const names = readdirSync(join(root, dir))
    .filter((n) => n.endsWith('.ps1'))
    .sort();
  const entries = names.map(
    (n) => `  ${JSON.stringify(n)}: ${JSON.stringify(readFileSync(join(root, dir, n), 'utf8'))},`,
  );
  return [
    HEADER(`${dir}/*.ps1`),
    'export const embeddedScripts: Readonly<Record<string, string>> = {',
    ...entries,
    '};',
    '',
  ].join('\n');
}

/** Every generated file, path (relative to root) → content. */
export async function renderAll(root = ROOT): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const schemas = loadResolvedSchemas(root);
  files.set('src/generated/fragments.ts', fragmentsFile(listSchemas(join(root, 'src/schemas/fragments'))));
  files.set('src/generated/schemas.ts', registryFile(Object.keys(schemas)));
  const fragments = loadFragments(root);
  const shared = new Map<string, Map<string, string[]>>();
  for (const name of Object.keys(schemas))
    shared.set(name, sharedOptions(readJson(join(root, 'src/schemas', `${name}.schema.json`)), fragments));
  for (const fragment of new Set([...shared.values()].flatMap((m) => [...m.keys()]))) {
    files.set(
      `src/generated/fragment-${fragment}.ts`,
      await fragmentTypesFile(fragment, resolveDefinitions(fragment, fragments)),
    );
  }
  for (const [name, schema] of Object.entries(schemas)) {
    files.set(`src/generated/${name}.ts`, await typesFile(name, schema, shared.get(name)!, fragments));
    files.set(`collection/plugins/modules/${name}.yml`, renderDocsYaml(name, schema));
  }
  for (const dir of EMBEDDED_SCRIPT_DIRS) {
    if (existsSync(join(root, dir))) files.set(`${dir}/scripts.generated.ts`, embeddedScriptsFile(root, dir));
  }
  if (existsSync(join(root, 'collection/awx/credential_type.json'))) {
    files.set('collection/awx/credential_type.json', credentialTypeFile(root, fragments));
  }
  files.set('src/generated/linux-agent.ts', linuxAgentFile(root));
  const surveyDir = join(root, 'surveys/src');
  if (existsSync(surveyDir)) {
    for (const file of readdirSync(surveyDir)
      .filter((f) => f.endsWith('.survey.yaml'))
      .sort()) {
      const definition = parseYaml(readFileSync(join(surveyDir, file), 'utf8')) as SurveyDefinition;
      const spec = surveyFromDefinition(definition, schemas);
      files.set(`surveys/${file.slice(0, -'.survey.yaml'.length)}.json`, `${JSON.stringify(spec, null, 2)}\n`);
    }
  }
  return files;
}

/** The Linux guest agent and its unit as base64 text, for installer answers that install the agent (install_media). */
function linuxAgentFile(root: string): string {
  const b64 = (rel: string): string => readFileSync(join(root, rel)).toString('base64');
  return [
    HEADER(
      'src/guest/linux/virtseal-agent and virtseal-agent.service (the Linux guest agent and its systemd unit, base64)',
    ),
    `export const LINUX_AGENT_B64 = '${b64('src/guest/linux/virtseal-agent')}';`,
    `export const LINUX_AGENT_UNIT_B64 = '${b64('src/guest/linux/virtseal-agent.service')}';`,
    '',
  ].join('\n');
}

/** Writes (or with write=false only compares) every generated file; returns the paths that differ from disk. */
export async function generateAll(options: { root?: string; write?: boolean } = {}): Promise<string[]> {
  const root = options.root ?? ROOT;
  const changed: string[] = [];
  for (const [rel, content] of await renderAll(root)) {
    const path = join(root, rel);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (current === content) continue;
    changed.push(rel);
    if (options.write !== false) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
  }
  return changed;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const check = process.argv.includes('--check');
  const changed = await generateAll({ write: !check });
  for (const rel of changed) console.log(`${check ? 'out of date' : 'wrote'}: ${rel}`);
  if (check && changed.length > 0) process.exit(1);
}
