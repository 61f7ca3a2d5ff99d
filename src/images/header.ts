/**
 * What a disk image is, read from its first bytes: enough to validate an image that is streamed to a host without
 * ever being a file on the controller (qemu-img needs a file). qcow2 (QEMU's header), VHDX (its file identifier,
 * header, region table with CRC-32C and the metadata region, per Microsoft's VHDX format specification v1.0), VMDK
 * and dynamic VHD by their signatures; anything else is raw.
 */

export type HeaderFormat = 'qcow2' | 'vhdx' | 'vmdk' | 'vpc' | 'raw';

export interface ImageHeader {
  readonly format: HeaderFormat;
  /** Absent for raw (its size is the file's) and for formats read by signature only. */
  readonly virtualSizeBytes?: number;
  /** A backing file (qcow2) or a parent (differencing VHDX). */
  readonly hasBacking?: boolean;
  /** Set when the header is there but inconsistent: the image is damaged. */
  readonly damaged?: string;
}

/** Either the header, or how many leading bytes are needed to read it. */
export type HeaderRead = { readonly header: ImageHeader } | { readonly needBytes: number };

const KiB = 1024;
const QCOW2_MAGIC = 0x514649fb;
const VHDX_REGION_TABLE = 192 * KiB;
const VHDX_METADATA_REGION = guid('8B7CA206-4790-4B9A-B8FE-575F050F886E');
const VHDX_VIRTUAL_DISK_SIZE = guid('2FA54224-CD1B-4876-B211-5DBED83BF4B8');
const VHDX_FILE_PARAMETERS = guid('CAA16737-FA36-4D43-B3B6-33F0AA44E76B');
const VHDX_PARENT_LOCATOR = guid('A8D35F2D-B30B-454D-ABF7-D3D84834AB0C');

/** A GUID as the VHDX specification stores it: the first three fields little-endian, the last eight bytes as is. */
function guid(text: string): Buffer {
  const hex = text.replace(/-/g, '');
  const b = Buffer.from(hex, 'hex');
  return Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8),
  ]);
}

let crcTable: Uint32Array | undefined;
/** CRC-32C (Castagnoli), which VHDX uses for its headers and region tables. */
export function crc32c(data: Buffer): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n += 1) {
      let c = n;
      for (let k = 0; k < 8; k += 1) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function checksumOk(block: Buffer): boolean {
  const copy = Buffer.from(block);
  const stored = copy.readUInt32LE(4);
  copy.writeUInt32LE(0, 4);
  return crc32c(copy) === stored;
}

function readQcow2(head: Buffer): HeaderRead {
  if (head.length < 72) return { needBytes: 72 };
  const version = head.readUInt32BE(4);
  if (version !== 2 && version !== 3)
    return { header: { format: 'qcow2', damaged: `qcow2 header version ${version} is unknown` } };
  const size = head.readBigUInt64BE(24);
  const clusterBits = head.readUInt32BE(20);
  if (clusterBits < 9 || clusterBits > 21)
    return { header: { format: 'qcow2', damaged: `qcow2 cluster_bits ${clusterBits} is out of range` } };
  return { header: { format: 'qcow2', virtualSizeBytes: Number(size), hasBacking: head.readBigUInt64BE(8) !== 0n } };
}

function readVhdx(head: Buffer): HeaderRead {
  const tableEnd = VHDX_REGION_TABLE + 64 * KiB;
  if (head.length < tableEnd) return { needBytes: tableEnd };
  const damaged = (why: string): HeaderRead => ({ header: { format: 'vhdx', damaged: why } });
  if (
    head.toString('latin1', 64 * KiB, 64 * KiB + 4) !== 'head' &&
    head.toString('latin1', 128 * KiB, 128 * KiB + 4) !== 'head'
  )
    return damaged('VHDX has no valid header');
  const table = head.subarray(VHDX_REGION_TABLE, tableEnd);
  if (table.toString('latin1', 0, 4) !== 'regi' || !checksumOk(table))
    return damaged('VHDX region table is damaged (signature or CRC-32C)');
  const count = table.readUInt32LE(8);
  if (count > 2047) return damaged('VHDX region table has too many entries');
  let metadata: { offset: number; length: number } | undefined;
  for (let i = 0; i < count; i += 1) {
    const entry = table.subarray(16 + i * 32, 48 + i * 32);
    if (entry.subarray(0, 16).equals(VHDX_METADATA_REGION))
      metadata = { offset: Number(entry.readBigUInt64LE(16)), length: entry.readUInt32LE(24) };
  }
  if (!metadata) return damaged('VHDX has no metadata region');
  const tableBytes = 64 * KiB;
  if (head.length < metadata.offset + tableBytes) return { needBytes: metadata.offset + tableBytes };
  const meta = head.subarray(metadata.offset, metadata.offset + tableBytes);
  if (meta.toString('latin1', 0, 8) !== 'metadata') return damaged('VHDX metadata table is damaged');
  const items = new Map<string, { offset: number; length: number }>();
  const entries = meta.readUInt16LE(10);
  for (let i = 0; i < entries; i += 1) {
    const entry = meta.subarray(32 + i * 32, 64 + i * 32);
    items.set(entry.subarray(0, 16).toString('hex'), {
      offset: entry.readUInt32LE(16),
      length: entry.readUInt32LE(20),
    });
  }
  const size = items.get(VHDX_VIRTUAL_DISK_SIZE.toString('hex'));
  const params = items.get(VHDX_FILE_PARAMETERS.toString('hex'));
  if (!size || !params) return damaged('VHDX metadata lacks the virtual disk size or file parameters');
  const end = metadata.offset + Math.max(size.offset + 8, params.offset + 8);
  if (head.length < end) return { needBytes: end };
  const virtualSize = head.readBigUInt64LE(metadata.offset + size.offset);
  const hasParent =
    (head.readUInt32LE(metadata.offset + params.offset + 4) & 2) !== 0 ||
    items.has(VHDX_PARENT_LOCATOR.toString('hex'));
  return { header: { format: 'vhdx', virtualSizeBytes: Number(virtualSize), hasBacking: hasParent } };
}

/** Reads the header from `head` (the image's first bytes); asks for more while a structure lies beyond them. */
export function readImageHeader(head: Buffer): HeaderRead {
  if (head.length < 8) return { needBytes: 8 };
  if (head.readUInt32BE(0) === QCOW2_MAGIC) return readQcow2(head);
  const signature = head.toString('latin1', 0, 8);
  if (signature === 'vhdxfile') return readVhdx(head);
  if (signature === 'conectix') return { header: { format: 'vpc' } };
  if (signature.startsWith('KDMV')) return { header: { format: 'vmdk' } };
  if (head.length < 21) return { needBytes: 21 };
  if (head.toString('latin1', 0, 21) === '# Disk DescriptorFile') return { header: { format: 'vmdk' } };
  return { header: { format: 'raw' } };
}
