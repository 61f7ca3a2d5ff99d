/**
 * Reads libvirt domain XML (`virsh dumpxml`) back into a DomainModel with fast-xml-parser. Devices virtseal did
 * not create (no metadata entry) are still reported, named after their target device and marked not owned.
 */
import { XMLParser } from 'fast-xml-parser';
import type { DomainDisk, DomainModel, DomainNic } from './domain-model';

const ARRAYS = new Set(['disk', 'interface', 'tag', 'nic', 'boot', 'feature']);

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/** One pass over XML entities: the parser's own decoding turned `&amp;amp;` into `&`. */
export function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return ENTITIES[name] ?? whole;
  });
}

const parser = new XMLParser({
  ignoreAttributes: false,
  processEntities: false,
  htmlEntities: false,
  tagValueProcessor: (_name, value) => decodeEntities(value),
  attributeValueProcessor: (_name, value) => decodeEntities(value),
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ARRAYS.has(name),
});

type Node = Record<string, unknown>;

const obj = (v: unknown): Node => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const arr = (v: unknown): Node[] => list(v).map(obj);
const text = (v: unknown): string | undefined => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  const t = obj(v)['#text'];
  return typeof t === 'string' || typeof t === 'number' ? String(t) : undefined;
};
const attr = (v: unknown, name: string): string | undefined => {
  const a = obj(v)[`@${name}`];
  return a === undefined ? undefined : String(a);
};

function toMiB(node: unknown): number {
  const value = Number(text(node) ?? '0');
  const unit = (attr(node, 'unit') ?? 'KiB').toLowerCase();
  const factor: Record<string, number> = {
    b: 1 / 1048576,
    bytes: 1 / 1048576,
    k: 1 / 1024,
    kib: 1 / 1024,
    m: 1,
    mib: 1,
    g: 1024,
    gib: 1024,
  };
  return Math.round(value * (factor[unit] ?? 1 / 1024));
}

export interface ParsedDomain extends DomainModel {
  /** Disk bus of the DVD drive, needed to update its media. */
  readonly dvdBus: 'ide' | 'sata';
}

export function parseDomainXml(xml: string): ParsedDomain {
  const domain = obj(parser.parse(xml).domain);
  const meta = obj(obj(domain.metadata).vm);
  const metaDisks = new Map(arr(meta.disk).map((d) => [attr(d, 'dev') ?? '', d]));
  const metaNics = new Map(arr(meta.nic).map((n) => [(attr(n, 'mac') ?? '').toLowerCase(), n]));
  const devices = obj(domain.devices);

  const disks: DomainDisk[] = [];
  let dvd: string | undefined;
  let dvdBus: 'ide' | 'sata' = 'ide';
  for (const d of arr(devices.disk)) {
    const dev = attr(d.target, 'dev') ?? '';
    const path = attr(d.source, 'file') ?? attr(d.source, 'dev');
    if (attr(d, 'device') === 'cdrom') {
      dvd = path;
      dvdBus = attr(d.target, 'bus') === 'sata' ? 'sata' : 'ide';
      continue;
    }
    if (attr(d, 'device') !== 'disk') continue;
    const m = metaDisks.get(dev);
    disks.push({
      name: attr(m, 'name') ?? dev,
      dev,
      path: path ?? '',
      format: attr(d.driver, 'type') === 'raw' ? 'raw' : 'qcow2',
      owned: attr(m, 'owned') === 'yes',
    });
  }

  const nics: DomainNic[] = arr(devices.interface).map((i, index) => {
    const mac = attr(i.mac, 'address')?.toLowerCase();
    const m = mac === undefined ? undefined : metaNics.get(mac);
    const bridge = attr(i, 'type') === 'bridge';
    const tag = arr(obj(i.vlan).tag)[0];
    return {
      name: attr(m, 'name') ?? `nic${index}`,
      kind: bridge ? 'bridge' : 'network',
      source: (bridge ? attr(i.source, 'bridge') : attr(i.source, 'network')) ?? '',
      ...(mac !== undefined ? { mac } : {}),
      staticMac: attr(m, 'static') === 'yes',
      ...(tag !== undefined && attr(tag, 'id') !== undefined ? { vlanId: Number(attr(tag, 'id')) } : {}),
    };
  });

  const os = obj(domain.os);
  const efi = attr(os, 'firmware') === 'efi' || attr(os.loader, 'type') === 'pflash';
  const secure = arr(obj(os.firmware).feature).some(
    (f) => attr(f, 'name') === 'secure-boot' && attr(f, 'enabled') === 'yes',
  );
  const bootMap: Record<string, 'disk' | 'dvd' | 'network'> = { hd: 'disk', cdrom: 'dvd', network: 'network' };
  const bootOrder = arr(os.boot)
    .map((b) => bootMap[attr(b, 'dev') ?? ''])
    .filter((b): b is 'disk' | 'dvd' | 'network' => b !== undefined);
  const maxMb = toMiB(domain.memory);
  const currentMb = domain.currentMemory === undefined ? maxMb : toMiB(domain.currentMemory);
  const balloon = attr(devices.memballoon, 'model');
  const dynamic = balloon !== undefined && balloon !== 'none' && maxMb > currentMb;
  const kernel = text(os.kernel);
  const notes = text(domain.description);
  const stop = attr(meta.stop, 'action');
  const consoleLog = arr(devices.serial).map((s) =>
    attr(s, 'type') === 'file' ? attr(s.source, 'path') : undefined,
  )[0];

  return {
    uuid: text(domain.uuid) ?? '',
    name: text(domain.name) ?? '',
    type: attr(domain, 'type') === 'kvm' ? 'kvm' : 'qemu',
    cpuCount: Number(text(domain.vcpu) ?? '1'),
    memory: dynamic
      ? { startupMb: currentMb, dynamic: true, maximumMb: maxMb }
      : { startupMb: currentMb, dynamic: false },
    generation: text(meta.generation) === '2' || (text(meta.generation) === undefined && efi) ? 2 : 1,
    secureBoot: secure ? 'on' : 'off',
    tpm: devices.tpm !== undefined,
    bootOrder,
    ...(stop !== undefined ? { automaticStopAction: stop } : {}),
    ...(notes !== undefined ? { notes } : {}),
    tags: list(meta.tag)
      .map((t) => text(t) ?? '')
      .filter((t) => t.length > 0),
    disks,
    nics,
    ...(dvd !== undefined ? { dvd } : {}),
    dvdBus,
    ...(kernel !== undefined
      ? { directBoot: { kernel, ...opt('initrd', text(os.initrd)), ...opt('cmdline', text(os.cmdline)) } }
      : {}),
    ...(consoleLog !== undefined ? { consoleLog } : {}),
  };
}

function opt<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
