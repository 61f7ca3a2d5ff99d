import type { ResolvedVars } from './secrets';

/**
 * An extra-vars document in which every string is tagged `!unsafe`, so Ansible never renders a NetBox value as a
 * Jinja template (ansible-playbook renders strings from `-e @file` wherever they are used). Strings are written as
 * YAML double-quoted scalars in pure ASCII: every other character is a \u or \U escape, so no byte of a value can
 * end the scalar or be refused by the YAML reader.
 */
export function unsafeExtraVarsYaml(vars: ResolvedVars): string {
  const lines = ['---'];
  for (const [name, value] of Object.entries(vars)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new Error(`extra var name ${JSON.stringify(name)} is not a variable name`);
    lines.push(`${name}: ${scalar(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

function scalar(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('extra var number is not finite');
    return String(value);
  }
  return `!unsafe "${escapeUnsafe(value)}"`;
}

function escapeUnsafe(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp >= 0xd800 && cp <= 0xdfff) throw new Error('extra var holds a lone surrogate');
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return out;
}
