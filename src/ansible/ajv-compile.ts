/**
 * Schema compilation with ajv, used by tests, the CLI and development runs. Module bundles do not contain this
 * file: build/build.ts replaces it with a validator precompiled at build time (ajv standalone code), so a module
 * call neither loads ajv nor compiles a schema.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { OptionSchema } from './schema';

export const X_KEYWORDS = [
  'x-no-log',
  'x-ansible-type',
  'x-aliases',
  'x-survey',
  'x-mutually-exclusive',
  'x-required-together',
  'x-module',
  'x-env-fallback',
];

// ajv-formats is CommonJS with a default export; under esbuild/tsx interop it may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

/** A new ajv, strict about schema typos but aware of virtseal's `x-*` keywords. `standalone` emits source code. */
export function createAjv(standalone = false): Ajv {
  const ajv = new Ajv({
    allErrors: false,
    verbose: true,
    strict: true,
    strictRequired: false,
    strictTypes: false,
    useDefaults: false,
    coerceTypes: false,
    ...(standalone ? { code: { source: true } } : {}),
  });
  addFormats(ajv);
  ajv.addVocabulary(X_KEYWORDS);
  return ajv;
}

let shared: Ajv | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

export function compileSchema(schema: OptionSchema): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    shared ??= createAjv();
    fn = shared.compile(schema as object);
    compiled.set(schema, fn);
  }
  return fn;
}
