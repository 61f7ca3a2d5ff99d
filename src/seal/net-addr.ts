/** Strict IPv4/IPv6 address and prefix parsing for guest_config validation (no I/O, no DNS). MACs: core/mac.ts. */

export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/** Parses an IPv6 address (with `::` and an optional embedded IPv4 tail) into 16 bytes. */
export function parseIpv6(text: string): Uint8Array | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || text.length > 45) return undefined;
  let head = text;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [(v4 >>> 16) & 0xffff, v4 & 0xffff];
    head = text.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const doubles = head.split('::').length - 1;
  if (doubles > 1) return undefined;
  const parseGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups = s.split(':');
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (doubles === 1) {
    const [left, right] = head.split('::') as [string, string];
    const l = parseGroups(left);
    const r = parseGroups(right);
    if (!l || !r) return undefined;
    const fill = 8 - l.length - r.length - tail.length;
    if (fill < 1) return undefined;
    groups = [...l, ...new Array<number>(fill).fill(0), ...r, ...tail];
  } else {
    const g = parseGroups(head);
    if (!g) return undefined;
    groups = [...g, ...tail];
    if (groups.length !== 8) return undefined;
  }
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

export interface Cidr4 {
  readonly address: number;
  readonly prefix: number;
}

export function parseCidr4(text: string): Cidr4 | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const address = parseIpv4(m[1]!);
  const prefix = Number(m[2]);
  if (address === undefined || prefix > 32 || (m[2]!.length > 1 && m[2]!.startsWith('0'))) return undefined;
  return { address, prefix };
}

export function ipv4Mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function sameIpv4Subnet(a: number, b: number, prefix: number): boolean {
  const mask = ipv4Mask(prefix);
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

export interface Cidr6 {
  readonly address: Uint8Array;
  readonly prefix: number;
}

export function parseCidr6(text: string): Cidr6 | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const address = parseIpv6(m[1]!);
  const prefix = Number(m[2]);
  if (!address || prefix > 128 || (m[2]!.length > 1 && m[2]!.startsWith('0'))) return undefined;
  return { address, prefix };
}

export function sameIpv6Subnet(a: Uint8Array, b: Uint8Array, prefix: number): boolean {
  for (let bit = 0; bit < prefix; bit += 8) {
    const take = Math.min(8, prefix - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((a[bit / 8]! & mask) !== (b[bit / 8]! & mask)) return false;
  }
  return true;
}

export function isIpv6LinkLocal(a: Uint8Array): boolean {
  return a[0] === 0xfe && (a[1]! & 0xc0) === 0x80;
}
