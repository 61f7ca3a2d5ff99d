/**
 * Checks a real module result against the module's documented RETURN (the sidecar ansible-doc shows): every key a
 * result carries is documented with the right type, at any depth RETURN describes with `contains`, and every key
 * documented as `returned: always` is there. Returns the problems, one line each.
 */

/** Keys ansible itself adds or reserves; modules do not document them. */
const ANSIBLE_KEYS = new Set([
  'changed',
  'failed',
  'invocation',
  'warnings',
  'deprecations',
  'diff',
  'skipped',
  'skip_reason',
  'exception',
  'debug_log',
  'ansible_facts',
]);

interface ReturnDoc {
  readonly type?: string;
  readonly returned?: string;
  readonly elements?: string;
  readonly contains?: Readonly<Record<string, ReturnDoc>>;
}

function typeOk(type: string | undefined, value: unknown): boolean {
  switch (type) {
    case undefined:
    case 'raw':
      return true;
    case 'str':
      return typeof value === 'string';
    case 'int':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
      return typeof value === 'number';
    case 'bool':
      return typeof value === 'boolean';
    case 'list':
      return Array.isArray(value);
    case 'dict':
    case 'complex':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    default:
      return false;
  }
}

function checkLevel(
  docs: Readonly<Record<string, ReturnDoc>>,
  value: Record<string, unknown>,
  path: string,
  top: boolean,
  problems: string[],
): void {
  for (const [key, v] of Object.entries(value)) {
    if (top && (ANSIBLE_KEYS.has(key) || key.startsWith('_ansible'))) continue;
    const where = path === '' ? key : `${path}.${key}`;
    const doc = docs[key];
    if (!doc) {
      problems.push(`${where}: returned but not documented in RETURN`);
      continue;
    }
    if (v === null || v === undefined) continue;
    if (!typeOk(doc.type, v)) {
      problems.push(`${where}: documented as ${doc.type}, returned ${JSON.stringify(v).slice(0, 60)}`);
      continue;
    }
    if (doc.type === 'list' && doc.elements) {
      (v as unknown[]).forEach((item, i) => {
        if (!typeOk(doc.elements, item))
          problems.push(
            `${where}[${i}]: documented elements ${doc.elements}, returned ${JSON.stringify(item).slice(0, 60)}`,
          );
        else if (doc.contains && doc.elements === 'dict')
          checkLevel(doc.contains, item as Record<string, unknown>, `${where}[${i}]`, false, problems);
      });
    } else if (doc.type === 'dict' && doc.contains) {
      checkLevel(doc.contains, v as Record<string, unknown>, where, false, problems);
    }
  }
}

export function returnProblems(
  docs: Readonly<Record<string, unknown>>,
  result: Record<string, unknown>,
  failed = result.failed === true,
): string[] {
  const problems: string[] = [];
  const table = docs as Readonly<Record<string, ReturnDoc>>;
  checkLevel(table, result, '', true, problems);
  if (!failed) {
    for (const [key, doc] of Object.entries(table)) {
      if (doc.returned === 'always' && !(key in result))
        problems.push(`${key}: documented as returned always, missing`);
    }
  }
  return problems;
}
