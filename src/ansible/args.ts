/**
 * Where module arguments come from. ansible-core 2.14 treats a module containing the JSON-args marker as a
 * "jsonargs" module: it substitutes the arguments JSON for the marker (which allows pipelining). The build puts the
 * marker on its own `//` line inside a function in the bundle's banner; Function.prototype.toString returns the
 * exact source text, so the runtime can read the substituted line even when node reads the program from stdin.
 * json.dumps escapes every non-ASCII character and control character, so the JSON cannot end the comment early.
 * Without substituted args, argv[2] names a JSON file (the WANT_JSON convention, or a manual run).
 */
import { readFileSync } from 'node:fs';

declare global {
  // Set by the bundle banner (see build/build.ts).
  var __virtsealEmbeddedArgs: (() => void) | undefined;
}

/** Extracts the substituted args JSON from the banner function's source text, if ansible substituted it. */
export function embeddedArgsText(fn: unknown = globalThis.__virtsealEmbeddedArgs): string | undefined {
  if (typeof fn !== 'function') return undefined;
  const line = fn
    .toString()
    .split('\n')
    .find((l: string) => l.startsWith('//'));
  const text = line?.slice(2).trim();
  // Unsubstituted, the line still holds the marker, which starts with '<'.
  return text?.startsWith('{') ? text : undefined;
}

export type ArgsSource = 'embedded' | 'file';

export interface RawArgs {
  readonly source: ArgsSource;
  readonly args: Record<string, unknown>;
}

function parseObject(text: string, where: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`module arguments in ${where} are not JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`module arguments in ${where} are not a JSON object`);
  // ansible wraps args as {"ANSIBLE_MODULE_ARGS": {...}} for jsonargs/WANT_JSON; accept both shapes.
  const wrapped = (parsed as Record<string, unknown>).ANSIBLE_MODULE_ARGS;
  return wrapped !== null && typeof wrapped === 'object' && !Array.isArray(wrapped)
    ? (wrapped as Record<string, unknown>)
    : (parsed as Record<string, unknown>);
}

export function loadRawArgs(
  argv: readonly string[] = process.argv,
  embedded: string | undefined = embeddedArgsText(),
): RawArgs {
  if (embedded !== undefined) return { source: 'embedded', args: parseObject(embedded, 'the module source') };
  const file = argv[2];
  if (file) return { source: 'file', args: parseObject(readFileSync(file, 'utf8'), file) };
  throw new Error(
    'no module arguments: run this module from ansible, or pass a JSON file of arguments as the first argument',
  );
}

/** The `_ansible_*` keys ansible adds to every module's arguments, with the defaults ansible implies. */
export interface AnsibleInternals {
  readonly checkMode: boolean;
  readonly diff: boolean;
  readonly noLog: boolean;
  readonly verbosity: number;
  readonly moduleName: string | undefined;
  readonly tmpdir: string | undefined;
  readonly remoteTmp: string | undefined;
  readonly version: string | undefined;
  readonly debug: boolean;
  readonly keepRemoteFiles: boolean;
}

function flag(v: unknown): boolean {
  return v === true || v === 'True' || v === 'true' || v === 1;
}

export function splitInternals(all: Readonly<Record<string, unknown>>): {
  params: Record<string, unknown>;
  internals: AnsibleInternals;
} {
  const params: Record<string, unknown> = {};
  const raw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) {
    if (k.startsWith('_ansible_')) raw[k.slice('_ansible_'.length)] = v;
    else params[k] = v;
  }
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    params,
    internals: {
      checkMode: flag(raw.check_mode),
      diff: flag(raw.diff),
      noLog: flag(raw.no_log),
      verbosity: Number.isInteger(Number(raw.verbosity)) ? Number(raw.verbosity) : 0,
      moduleName: str(raw.module_name),
      tmpdir: str(raw.tmpdir),
      remoteTmp: str(raw.remote_tmp),
      version: str(raw.version),
      debug: flag(raw.debug),
      keepRemoteFiles: flag(raw.keep_remote_files),
    },
  };
}
