/**
 * Seed volumes that carry installer answers, reproducibly (same answers → same bytes): a gzip'd newc cpio that the
 * kernel unpacks over the installer's initrd (debian-installer reads /preseed.cfg from it), an `OEMDRV` ISO for
 * kickstart (Anaconda reads /ks.cfg from a volume with that label) and a `cidata` NoCloud ISO for autoinstall.
 */
import { gzipSync } from 'node:zlib';
import { LINUX_AGENT_B64, LINUX_AGENT_UNIT_B64 } from '../generated/linux-agent';
import { buildIso } from '../images/iso';
import type { Installer } from './answers';

const FIXED_MTIME = Date.UTC(2026, 0, 1) / 1000;

/** One newc (SVR4, no CRC) cpio archive of `entries` (directories are implied by and created before their files). */
export function newcCpio(
  entries: readonly { readonly name: string; readonly mode: number; readonly data: Buffer }[],
): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  const pad4 = (n: number): Buffer => Buffer.alloc((4 - (n % 4)) % 4);
  const record = (name: string, mode: number, data: Buffer): void => {
    const fields = [ino++, mode, 0, 0, 1, FIXED_MTIME, data.length, 0, 0, 0, 0, Buffer.byteLength(name) + 1, 0];
    const header = `070701${fields.map((f) => f.toString(16).padStart(8, '0')).join('')}`;
    const head = Buffer.concat([Buffer.from(header, 'ascii'), Buffer.from(`${name}\0`, 'utf8')]);
    parts.push(head, pad4(head.length), data, pad4(data.length));
  };
  const dirs = [
    ...new Set(
      entries.flatMap((e) =>
        e.name
          .split('/')
          .slice(0, -1)
          .map((_, i, a) => a.slice(0, i + 1).join('/')),
      ),
    ),
  ].sort();
  for (const d of dirs) record(d, 0o040755, Buffer.alloc(0));
  for (const e of [...entries].sort((a, b) => (a.name < b.name ? -1 : 1))) record(e.name, 0o100000 | e.mode, e.data);
  record('TRAILER!!!', 0, Buffer.alloc(0));
  return Buffer.concat(parts);
}

/**
 * The gzip'd cpio to append to a debian-installer initrd: /preseed.cfg and the agent under /virtseal (with the
 * pinned sender key, when there is one).
 */
export function preseedInitrdAppendix(preseed: string, senderKey?: string): Buffer {
  const cpio = newcCpio([
    ...(senderKey === undefined
      ? []
      : [{ name: 'virtseal/sender-key.pem', mode: 0o644, data: Buffer.from(senderKey, 'utf8') }]),
    { name: 'preseed.cfg', mode: 0o644, data: Buffer.from(preseed, 'utf8') },
    { name: 'virtseal/virtseal-agent', mode: 0o755, data: Buffer.from(LINUX_AGENT_B64, 'base64') },
    { name: 'virtseal/virtseal-agent.service', mode: 0o644, data: Buffer.from(LINUX_AGENT_UNIT_B64, 'base64') },
  ]);
  // zlib writes no file name and a zero mtime, so equal input gives equal bytes.
  return gzipSync(cpio, { level: 9 });
}

/** The kernel command line that boots an installer unattended from its seed. */
export function kernelCommandLine(installer: Installer, extra: readonly string[] = []): string {
  const base = {
    preseed: ['auto=true', 'priority=critical', 'preseed/file=/preseed.cfg'],
    kickstart: ['inst.ks=hd:LABEL=OEMDRV:/ks.cfg'],
    autoinstall: ['autoinstall', 'ds=nocloud'],
  }[installer];
  return [...base, ...extra].join(' ');
}

/** Writes the seed of `installer` holding `answers` to `out` (an initrd appendix for preseed, an ISO otherwise). */
export function buildSeed(
  installer: Installer,
  answers: string,
  out: string,
  writeFile: (path: string, data: Buffer) => void,
  senderKey?: string,
): void {
  if (installer === 'preseed') writeFile(out, preseedInitrdAppendix(answers, senderKey));
  else if (installer === 'kickstart') buildIso({ 'ks.cfg': answers }, 'OEMDRV', out);
  else buildIso({ 'user-data': answers, 'meta-data': 'instance-id: virtseal-install\n' }, 'cidata', out);
}
