/**
 * Parsing of KVP data items as Hyper-V returns them: each item is an embedded `Msvm_KvpExchangeDataItem` instance
 * serialised as CIM-XML (`<INSTANCE><PROPERTY NAME="Name"><VALUE>...`). Entities are decoded by the XML parser;
 * nothing is evaluated.
 */
import { XMLParser } from 'fast-xml-parser';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  isArray: (name) => name === 'PROPERTY',
  processEntities: true,
  htmlEntities: true,
});

export interface KvpItem {
  readonly name: string;
  readonly data: string;
  readonly source?: number;
}

export function parseKvpItem(xml: string): KvpItem | undefined {
  // Hyper-V never sends a DTD; refusing one rules out entity expansion tricks.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return undefined;
  let doc: { INSTANCE?: { PROPERTY?: { '@NAME'?: string; VALUE?: unknown }[] } };
  try {
    doc = parser.parse(xml) as typeof doc;
  } catch {
    return undefined;
  }
  const props = doc.INSTANCE?.PROPERTY ?? [];
  const get = (n: string): string | undefined => {
    const v = props.find((p) => p['@NAME'] === n)?.VALUE;
    return v === undefined || v === null ? undefined : String(v);
  };
  const name = get('Name');
  if (name === undefined) return undefined;
  const source = get('Source');
  return { name, data: get('Data') ?? '', ...(source !== undefined ? { source: Number(source) } : {}) };
}

export function parseKvpItems(xmls: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const xml of xmls) {
    const item = parseKvpItem(xml);
    if (item) map.set(item.name, item.data);
  }
  return map;
}

/** Guest IP addresses from the intrinsic `NetworkAddressIPv4` / `NetworkAddressIPv6` items (`;`-separated). */
export function addressesFromIntrinsic(items: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const key of ['NetworkAddressIPv4', 'NetworkAddressIPv6']) {
    for (const a of (items.get(key) ?? '').split(';')) {
      const trimmed = a.trim();
      if (trimmed !== '' && !out.includes(trimmed)) out.push(trimmed);
    }
  }
  return out;
}
