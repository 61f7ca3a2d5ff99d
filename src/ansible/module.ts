/**
 * The module contract: `src/modules/<module>.ts` default-exports `defineModule<Options>({ name, schema, run })`.
 * defineModule has no side effects, so tests import modules freely; the build wraps each one with `main` from
 * ./main into a self-contained executable that ansible-core runs.
 */
export interface ModuleContext<Options> {
  /** Validated options: aliases resolved, types converted like ansible does, defaults applied. */
  readonly options: Options;
  /** Check mode (`--check`): report what would change, change nothing. */
  readonly check: boolean;
  /** Diff mode (`--diff`): a `diff` in the result is shown to the user. */
  readonly diff: boolean;
  /** Number of `-v` given to ansible. */
  readonly verbosity: number;
  /** The task has `no_log: true`. */
  readonly noLog: boolean;
  /** Module name as ansible called it (e.g. `virtseal.core.ping`). */
  readonly moduleName: string;
  /** Remote temporary directory ansible created for this task, when it did. */
  readonly tmpdir: string | undefined;
  /** Adds a warning to the result (shown by ansible in purple). */
  warn(msg: string): void;
  /** Debug line, returned in the result as `debug_log` at verbosity >= 3. */
  debug(msg: string): void;
  /** Declares a value that must never appear in the result (masked as ******** wherever it occurs). */
  addSecret(value: string): void;
}

export interface ModuleDiff {
  readonly before: unknown;
  readonly after: unknown;
  readonly before_header?: string;
  readonly after_header?: string;
}

export interface ModuleResult {
  changed: boolean;
  msg?: string;
  diff?: ModuleDiff;
  /** Intended or performed operations, one short line each (also in check mode). */
  changes?: string[];
  [field: string]: unknown;
}

export interface ModuleDefinition<Options> {
  /** Short module name (file name under src/modules and collection/plugins/modules). */
  readonly name: string;
  /** The module's JSON schema (`src/schemas/<name>.schema.json`); `$ref` fragments are resolved by the runtime. */
  readonly schema: object;
  /**
   * The arguments carry secrets that must never sit in a file: when ansible did not pipeline the module (so it wrote
   * the arguments into the module file in its remote tmp), the runtime wipes that file and refuses to run.
   */
  readonly argsOffDisk?: boolean;
  run(ctx: ModuleContext<Options>): Promise<ModuleResult>;
}

export function defineModule<Options>(definition: ModuleDefinition<Options>): ModuleDefinition<Options> {
  return definition;
}
