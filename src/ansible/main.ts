/**
 * Entry point of a bundled module executable: read the arguments ansible passed, run, print one JSON object.
 * Nothing escapes as a stack trace on stderr; even a failure to read arguments produces a failed JSON result.
 */
import { statSync, unlinkSync, writeFileSync } from 'node:fs';
import { loadRawArgs, type ArgsSource } from './args';
import type { ModuleDefinition } from './module';
import { serializeResult } from './output';
import { runModule, type AnsibleResult } from './runner';

export async function main<Options>(definition: ModuleDefinition<Options>): Promise<void> {
  let result: AnsibleResult;
  try {
    const { source, args } = loadRawArgs();
    const file = argsFile(source);
    result =
      definition.argsOffDisk && file !== undefined
        ? refuseArgsOnDisk(definition.name, source, file)
        : await runModule(definition, args);
  } catch (err) {
    result = {
      failed: true,
      changed: false,
      reason: 'internal_error',
      msg: `virtseal module ${definition.name}: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  const code = result.failed ? 1 : 0;
  // Exit once stdout is flushed, even if a driver left a socket or timer open.
  process.stdout.write(`${serializeResult(result)}\n`, () => process.exit(code));
}

/**
 * The file the arguments were read from, if any. Pipelined, node reads the program (arguments substituted in it)
 * from stdin and has no script path; otherwise ansible wrote the program, arguments included, into its remote tmp
 * and runs it from there (argv[1]), or passed a WANT_JSON arguments file (argv[2]).
 */
function argsFile(source: ArgsSource, argv: readonly string[] = process.argv): string | undefined {
  const path = source === 'embedded' ? argv[1] : argv[2];
  if (!path) return undefined;
  try {
    return statSync(path).isFile() ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Overwrites and removes ansible's copy of the module (it holds the substituted arguments; ANSIBLE_KEEP_REMOTE_FILES
 * would keep it for ever), then fails with one line saying to turn pipelining on. A WANT_JSON file or a manual
 * run's file belongs to the caller and is left alone.
 */
function refuseArgsOnDisk(name: string, source: ArgsSource, file: string): AnsibleResult {
  let removed = false;
  if (source === 'embedded') {
    try {
      writeFileSync(file, Buffer.alloc(statSync(file).size));
      unlinkSync(file);
      removed = true;
    } catch {
      removed = false;
    }
  }
  return {
    failed: true,
    changed: false,
    reason: 'pipelining_required',
    msg:
      `${name}: its arguments hold secrets and ansible wrote them to a file on the managed host because pipelining is off` +
      `${removed ? ' (that file is now wiped)' : ''}; turn pipelining on (ANSIBLE_PIPELINING=True, or pipelining = True under [connection] in ansible.cfg)` +
      ' and do not set ANSIBLE_KEEP_REMOTE_FILES, which turns it off',
  };
}
