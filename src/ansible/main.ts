/**
 * Entry point of a bundled module executable: read the arguments ansible passed, run, print one JSON object.
 * Nothing escapes as a stack trace on stderr; even a failure to read arguments produces a failed JSON result.
 */
import { loadRawArgs } from './args';
import type { ModuleDefinition } from './module';
import { serializeResult } from './output';
import { runModule, type AnsibleResult } from './runner';

export async function main<Options>(definition: ModuleDefinition<Options>): Promise<void> {
  let result: AnsibleResult;
  try {
    const { args } = loadRawArgs();
    result = await runModule(definition, args);
  } catch (err) {
    result = { failed: true, changed: false, reason: 'internal_error', msg: `virtseal module ${definition.name}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const code = result.failed ? 1 : 0;
  // Exit once stdout is flushed, even if a driver left a socket or timer open.
  process.stdout.write(`${serializeResult(result)}\n`, () => process.exit(code));
}
