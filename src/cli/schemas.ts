/** Module schemas compiled into the CLI (src/generated/schemas.ts), resolved. */
import { resolveSchema, type OptionSchema } from '../ansible/schema';
import { moduleSchemas } from '../generated/schemas';
import { UsageError } from './app';

export function moduleNames(): string[] {
  return Object.keys(moduleSchemas).sort();
}

export function resolvedModuleSchema(name: string): OptionSchema {
  const short = name.replace(/^virtseal\.core\./, '');
  const schema = moduleSchemas[short];
  if (!schema) throw new UsageError(`no module ${name}; modules: ${moduleNames().join(', ')}`);
  return resolveSchema(schema);
}

export function allResolvedSchemas(): Record<string, OptionSchema> {
  return Object.fromEntries(moduleNames().map((n) => [n, resolveSchema(moduleSchemas[n]!)]));
}
