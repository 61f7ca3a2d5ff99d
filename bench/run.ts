/**
 * `npm run bench`: runs every bench/*.bench.ts in name order (or those named on the command line). Each default-exports
 * an async function that prints its own lines: timings as ratios against a baseline measured in the same run.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((o) => f.startsWith(o))))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`== ${file}`);
  try {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as { default?: unknown };
    if (typeof mod.default === 'function') await (mod.default as () => Promise<void>)();
    else
      console.log(
        '   note: no default-exported function; only what the file does on import ran (bench contract: export default async function)',
      );
  } catch (err) {
    failed++;
    console.log(`   FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}
if (failed > 0) process.exitCode = 1;
