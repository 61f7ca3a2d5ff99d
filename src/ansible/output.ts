/**
 * Result serialisation. ansible-core reads one JSON object from stdout; raw U+2028, U+2029 and U+0085 in it give
 * MODULE FAILURE (Python's splitlines treats them as line breaks), so they are written as \u escapes.
 */
export function serializeResult(result: unknown): string {
  return JSON.stringify(result).replace(
    /[\u2028\u2029\u0085]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
