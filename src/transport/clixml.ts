/**
 * Decoding of PowerShell's CLIXML stderr (`#< CLIXML` + `<Objs>` documents): keeps the `Error` strings, turns
 * `_xHHHH_` escapes back into UTF-16 code units (so surrogate pairs survive) and drops progress records.
 * Non-CLIXML lines are kept as they are.
 */
const OBJS = /<Objs\b[^>]*>([\s\S]*?)<\/Objs>/g;
const ERROR_STRING = /<S S="Error">([\s\S]*?)<\/S>/g;

export function decodeClixmlErrors(stderr: string): string {
  if (!stderr.includes('#< CLIXML')) return stderr.trim();
  const parts: string[] = [];
  let rest = stderr;
  for (const match of stderr.matchAll(OBJS)) {
    for (const s of match[1]!.matchAll(ERROR_STRING)) parts.push(unescapeClixml(s[1]!));
    rest = rest.replace(match[0], '');
  }
  const plain = rest
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && line.trim() !== '#< CLIXML')
    .join('\n');
  return [parts.join(''), plain]
    .filter((p) => p.trim() !== '')
    .join('\n')
    .trim();
}

export function unescapeClixml(text: string): string {
  const xml = text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/&amp;/g, '&');
  // Each _xHHHH_ is one UTF-16 code unit; String.fromCharCode keeps surrogate halves so pairs recombine.
  return xml.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** First meaningful line of a decoded error text, for one-line messages. */
export function firstLine(text: string): string {
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '' && !/^(At line:|\+ |CategoryInfo|FullyQualifiedErrorId)/.test(l));
  return line ?? '';
}
