import type { VarMap } from './mapping';

export type ResolvedVars = Record<string, string | number | boolean>;

/** Known secret values, masked out of every line the bridge writes (defence in depth: they are never put there). */
export class Redactor {
  private readonly values = new Set<string>();

  add(value: string | undefined): void {
    if (value && value.length >= 4) this.values.add(value);
  }

  redact(text: string): string {
    let out = text;
    for (const v of this.values) out = out.split(v).join('********');
    return out;
  }
}

/** Resolve `{from_env}` references at launch; the resolved values join the redactor and are never stored. */
export function resolveVars(vars: VarMap, env: NodeJS.ProcessEnv, redactor: Redactor): ResolvedVars {
  const out: ResolvedVars = {};
  for (const [k, v] of Object.entries(vars)) {
    if (typeof v === 'object') {
      const value = env[v.from_env];
      if (value === undefined) throw new Error(`environment variable ${v.from_env} (for ${k}) is not set`);
      redactor.add(value);
      out[k] = value;
    } else out[k] = v;
  }
  return out;
}

/** Display form of survey answers: references stay references, nothing is resolved. */
export function displayVars(vars: VarMap): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(vars).map(([k, v]) => [k, typeof v === 'object' ? `{from_env: ${v.from_env}}` : v]),
  );
}
