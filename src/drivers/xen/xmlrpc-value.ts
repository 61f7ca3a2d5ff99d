/**
 * XAPI stores `task.result` as one XML-RPC `<value>` even over JSON-RPC (e.g. `<value>OpaqueRef:…</value>`), so
 * the result of an `Async.*` call is parsed here. Only the value grammar of the XML-RPC spec is accepted; anything
 * else (a DOCTYPE, processing instructions, stray text) is refused rather than guessed at.
 */
export type XmlRpcValue = string | number | boolean | XmlRpcValue[] | { [key: string]: XmlRpcValue };

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (_, e: string) =>
    e.startsWith('#x')
      ? String.fromCodePoint(parseInt(e.slice(2), 16))
      : e.startsWith('#')
        ? String.fromCodePoint(Number(e.slice(1)))
        : ENTITIES[e]!,
  );
}

class Reader {
  pos = 0;
  constructor(private readonly s: string) {}
  ws(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos]!)) this.pos++;
  }
  /** The next tag after any whitespace, without moving (bare string values keep their spaces). */
  peekTag(): string | undefined {
    let at = this.pos;
    while (at < this.s.length && /\s/.test(this.s[at]!)) at++;
    const m = /^<(\/?[A-Za-z][\w.]*)\s*(\/?)>/.exec(this.s.slice(at, at + 40));
    return m ? m[1] + (m[2] ? '/' : '') : undefined;
  }
  open(name: string): boolean {
    this.ws();
    const self = `<${name}/>`;
    if (this.s.startsWith(self, this.pos)) {
      this.pos += self.length;
      return false;
    }
    const tag = `<${name}>`;
    if (!this.s.startsWith(tag, this.pos)) throw new Error(`expected ${tag} at ${this.pos}`);
    this.pos += tag.length;
    return true;
  }
  close(name: string): void {
    this.ws();
    const tag = `</${name}>`;
    if (!this.s.startsWith(tag, this.pos)) throw new Error(`expected ${tag} at ${this.pos}`);
    this.pos += tag.length;
  }
  text(): string {
    const end = this.s.indexOf('<', this.pos);
    if (end < 0) throw new Error('unterminated text');
    const t = this.s.slice(this.pos, end);
    this.pos = end;
    return decode(t);
  }
  done(): boolean {
    this.ws();
    return this.pos >= this.s.length;
  }
}

function scalar(tag: string, text: string): XmlRpcValue {
  switch (tag) {
    case 'string':
    case 'dateTime.iso8601':
      return text;
    case 'int':
    case 'i4':
    case 'i8': {
      if (!/^[+-]?\d+$/.test(text.trim())) throw new Error(`bad ${tag} '${text}'`);
      return Number(text.trim());
    }
    case 'double':
      if (Number.isNaN(Number(text.trim()))) throw new Error(`bad double '${text}'`);
      return Number(text.trim());
    case 'boolean':
      if (text.trim() !== '0' && text.trim() !== '1') throw new Error(`bad boolean '${text}'`);
      return text.trim() === '1';
    default:
      throw new Error(`unsupported XML-RPC type <${tag}>`);
  }
}

function readValue(r: Reader): XmlRpcValue {
  if (!r.open('value')) return '';
  const tag = r.peekTag();
  if (tag === '/value' || tag === undefined) {
    // A bare <value>text</value> is a string.
    const t = r.text();
    r.close('value');
    return t;
  }
  let v: XmlRpcValue;
  if (tag === 'array') {
    r.open('array');
    const items: XmlRpcValue[] = [];
    if (r.open('data')) {
      while (r.peekTag() === 'value' || r.peekTag() === 'value/') items.push(readValue(r));
      r.close('data');
    }
    r.close('array');
    v = items;
  } else if (tag === 'struct') {
    r.open('struct');
    const obj: Record<string, XmlRpcValue> = Object.create(null) as Record<string, XmlRpcValue>;
    while (r.peekTag() === 'member') {
      r.open('member');
      r.open('name');
      const name = r.text();
      r.close('name');
      obj[name] = readValue(r);
      r.close('member');
    }
    r.close('struct');
    v = obj;
  } else if (tag.endsWith('/')) {
    const name = tag.slice(0, -1);
    r.open(name);
    v = scalar(name, '');
  } else {
    r.open(tag);
    v = scalar(tag, r.text());
    r.close(tag);
  }
  r.close('value');
  return v;
}

/** Parses one XML-RPC `<value>`; an empty string (a void result) parses to ''. */
export function parseXmlRpcValue(xml: string): XmlRpcValue {
  if (xml.trim() === '') return '';
  const r = new Reader(xml);
  const v = readValue(r);
  if (!r.done()) throw new Error('trailing content after the XML-RPC value');
  return v;
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The encoding XAPI uses for task results (used by the fake XAPI). */
export function formatXmlRpcValue(v: unknown): string {
  if (typeof v === 'string') return `<value>${escapeXml(v)}</value>`;
  if (typeof v === 'boolean') return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  if (typeof v === 'number')
    return Number.isInteger(v) ? `<value><int>${v}</int></value>` : `<value><double>${v}</double></value>`;
  if (Array.isArray(v)) return `<value><array><data>${v.map(formatXmlRpcValue).join('')}</data></array></value>`;
  if (v && typeof v === 'object') {
    return `<value><struct>${Object.entries(v)
      .map(([k, x]) => `<member><name>${escapeXml(k)}</name>${formatXmlRpcValue(x)}</member>`)
      .join('')}</struct></value>`;
  }
  return '<value></value>';
}
