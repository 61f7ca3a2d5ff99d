/**
 * Runs one module invocation from raw ansible arguments to the result object ansible receives: validation,
 * the module's `run`, error mapping, warnings, invocation, and secret masking of everything returned.
 */
import { InvalidArgument, isVirtsealError } from '../core/errors';
import { splitInternals, type AnsibleInternals } from './args';
import type { ModuleContext, ModuleDefinition, ModuleResult } from './module';
import { collectSecrets, maskNoLogOptions, maskSecrets, shortSecretWarning } from './redact';
import { resolveSchema, type OptionSchema } from './schema';
import { validateArguments } from './validate';

export type AnsibleResult = Record<string, unknown>;

const resolvedSchemas = new WeakMap<object, OptionSchema>();

export function schemaOf(definition: ModuleDefinition<unknown>): OptionSchema {
  let resolved = resolvedSchemas.get(definition.schema);
  if (!resolved) {
    resolved = resolveSchema(definition.schema);
    resolvedSchemas.set(definition.schema, resolved);
  }
  return resolved;
}

function failureMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

export async function runModule<Options>(
  definition: ModuleDefinition<Options>,
  allArgs: Readonly<Record<string, unknown>>,
): Promise<AnsibleResult> {
  const { params, internals } = splitInternals(allArgs);
  const warnings: string[] = [];
  const debugLog: string[] = [];
  const secrets = new Set<string>();
  let schema: OptionSchema | undefined;
  let invocationArgs: unknown = params;
  let result: AnsibleResult;
  try {
    schema = schemaOf(definition as ModuleDefinition<unknown>);
    collectSecrets(schema, params, secrets);
    invocationArgs = maskNoLogOptions(schema, params);
    const moduleName = internals.moduleName ?? definition.name;
    const validated = validateArguments(schema, params, moduleName);
    collectSecrets(schema, validated.options, secrets);
    invocationArgs = maskNoLogOptions(schema, validated.options);
    warnings.push(...validated.warnings);
    const ctx = makeContext<Options>(validated.options as Options, internals, moduleName, warnings, debugLog, secrets);
    const returned: ModuleResult = await definition.run(ctx);
    result = shapeResult(returned, internals, warnings);
  } catch (err) {
    result = failure(err, internals);
  }
  const short = shortSecretWarning(secrets);
  if (short !== undefined) warnings.push(short);
  if (warnings.length > 0) result.warnings = [...warnings, ...((result.warnings as string[] | undefined) ?? [])];
  if (debugLog.length > 0 && internals.verbosity >= 3) result.debug_log = debugLog;
  result.invocation = { module_args: invocationArgs };
  return maskSecrets(result, secrets);
}

function makeContext<Options>(
  options: Options,
  internals: AnsibleInternals,
  moduleName: string,
  warnings: string[],
  debugLog: string[],
  secrets: Set<string>,
): ModuleContext<Options> {
  return {
    options,
    check: internals.checkMode,
    diff: internals.diff,
    verbosity: internals.verbosity,
    noLog: internals.noLog,
    moduleName,
    tmpdir: internals.tmpdir,
    warn: (msg) => void warnings.push(String(msg)),
    debug: (msg) => void debugLog.push(String(msg)),
    addSecret: (value) => {
      if (typeof value === 'string' && value !== '') secrets.add(value);
    },
  };
}

function shapeResult(returned: ModuleResult, internals: AnsibleInternals, warnings: string[]): AnsibleResult {
  if (returned === null || typeof returned !== 'object') throw new Error('module returned no result object');
  const { warnings: extra, diff, ...rest } = returned as ModuleResult & { warnings?: unknown };
  const result: AnsibleResult = { ...rest, changed: Boolean(returned.changed) };
  if (Array.isArray(extra)) warnings.push(...extra.map(String));
  // ansible shows a diff only with --diff; without it the module should not compute or return one.
  if (diff !== undefined && internals.diff) result.diff = diff;
  if (result.failed !== undefined) result.failed = Boolean(result.failed);
  return result;
}

function failure(err: unknown, internals: AnsibleInternals): AnsibleResult {
  const result: AnsibleResult = { failed: true, changed: false, msg: failureMessage(err) };
  if (isVirtsealError(err)) {
    result.reason = err.reason;
    if (err instanceof InvalidArgument && err.option !== undefined) result.option = err.option;
    const details = Object.fromEntries(
      Object.entries(err.details).filter(([k, v]) => k !== 'option' && v !== undefined),
    );
    if (Object.keys(details).length > 0) result.details = details;
  } else {
    // Not a VirtsealError: a bug or an unexpected environment. Say so, keep the message, trace only at -vvv.
    result.reason = 'internal_error';
    result.msg = `virtseal module error (${err instanceof Error ? err.name : typeof err}): ${failureMessage(err)}`;
  }
  if (internals.verbosity >= 3 && err instanceof Error && err.stack && !(err instanceof InvalidArgument)) {
    result.exception = err.stack;
  }
  return result;
}
