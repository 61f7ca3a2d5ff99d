/**
 * install_media: render installer answers without secrets, write their seed reproducibly, and optionally attach the
 * seed ISO to a VM. Same answers → same bytes, so a second identical run writes nothing and reports changed=false;
 * in check mode nothing is written or attached and the result says what would be.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { InvalidArgument } from '../core/errors';
import {
  type InstallConfig,
  type Installer,
  canonicalSenderKey,
  renderAutoinstall,
  renderKickstart,
  renderPreseed,
  validateInstallConfig,
} from '../install/answers';
import { buildSeed, kernelCommandLine } from '../install/seed';
import type { Session } from './session';
import { requireVm } from './vm-lookup';

export interface InstallMediaRequest {
  readonly installer: Installer;
  readonly config: InstallConfig;
  /** PEM public key of the controller's sender key to pin in the installed system. */
  readonly senderPublicKey?: string;
  readonly dest: string;
  /** preseed: the installer's initrd; `dest` then holds it with the seed appended (one file to boot directly). */
  readonly installerInitrd?: string;
  readonly vm?: string;
  /** The seed ISO's path on the host, placed there by the caller; absent: the seed is copied to the host library. */
  readonly mediaPath?: string;
  /** absent: eject the seed from `vm` and remove the copy on the host. Default present. */
  readonly state?: 'present' | 'absent';
  readonly check: boolean;
}

export interface InstallMediaResult {
  readonly changed: boolean;
  readonly changes: readonly string[];
  readonly answers: string;
  readonly dest: string;
  readonly sha256: string;
  readonly kernel_cmdline: string;
  readonly attached: boolean;
  /** Where the seed ISO is on the host (copied there, or `media_path`). */
  readonly media_path?: string;
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Every option is checked before anything is written or any host is contacted. */
export function renderAnswers(installer: Installer, config: InstallConfig, senderKey?: string): string {
  validateInstallConfig(config, 'config');
  if (installer === 'preseed') return renderPreseed(config, undefined, senderKey !== undefined);
  if (installer === 'kickstart') return renderKickstart(config, senderKey);
  return renderAutoinstall(config, senderKey);
}

/** Builds the seed in a private temporary directory and returns its bytes. */
export function seedBytes(installer: Installer, answers: string, senderKey?: string): Buffer {
  const work = mkdtempSync(join(tmpdir(), 'virtseal-seed-'));
  try {
    const out = join(work, 'seed');
    buildSeed(installer, answers, out, (p, d) => writeFileSync(p, d), senderKey);
    return readFileSync(out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function validateRequest(request: Omit<InstallMediaRequest, 'check'>): string {
  if (request.mediaPath !== undefined && request.vm === undefined)
    throw new InvalidArgument(
      'media_path: needs vm (media_path is the seed ISO on the host, attached to vm)',
      'media_path',
    );
  if (request.installerInitrd !== undefined && request.installer !== 'preseed')
    throw new InvalidArgument(
      `installer_initrd: only preseed seeds are appended to an initrd; ${request.installer} reads its seed from a volume`,
      'installer_initrd',
    );
  if (request.installerInitrd !== undefined && !isReadableFile(request.installerInitrd))
    throw new InvalidArgument(
      `installer_initrd: ${request.installerInitrd} is not a readable file`,
      'installer_initrd',
    );
  if (request.state === 'absent' && request.vm === undefined)
    throw new InvalidArgument('state: absent needs vm (the VM whose seed is ejected and removed)', 'state');
  if (request.vm !== undefined && request.installer === 'preseed') {
    throw new InvalidArgument(
      'vm: a preseed seed is an initrd appendix, not an ISO; boot the installer with it directly (kernel_cmdline)',
      'vm',
    );
  }
  return renderAnswers(
    request.installer,
    request.config,
    canonicalSenderKey(request.senderPublicKey, 'sender_public_key'),
  );
}

function isReadableFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The initrd a direct boot takes: the installer's own, then the seed. The kernel unpacks concatenated compressed
 * cpio archives in turn, so /preseed.cfg lands in the installer's root file system.
 */
export function combinedInitrd(installerInitrd: string, seed: Buffer): Buffer {
  const base = readFileSync(installerInitrd);
  // An archive that does not end on a 4-byte boundary would misalign the next one's header.
  const pad = Buffer.alloc((4 - (base.length % 4)) % 4);
  return Buffer.concat([base, pad, seed]);
}

/**
 * The library name of a VM's seed ISO: the VM's name (made a valid file name) and the seed's hash, so a changed
 * seed is a new file (library files are never replaced) and the old one is recognised as this VM's.
 */
export function seedImageName(vm: string, digest: string): string {
  return `${seedPrefix(vm)}${digest.slice(0, 16)}`;
}

function seedPrefix(vm: string): string {
  const safe =
    vm
      .replace(/[^A-Za-z0-9_.-]/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 60) || 'vm';
  return `${safe}-seed-`;
}

/** The seed image name of `vm` a host path refers to, if it is one. */
function seedNameOf(vm: string, path: string | undefined): string | undefined {
  const file = path?.split(/[\\/]/).pop() ?? '';
  const m = /^(.+)\.iso$/.exec(file);
  return m && m[1]!.startsWith(seedPrefix(vm)) && /-seed-[0-9a-f]{16}$/.test(m[1]!) ? m[1] : undefined;
}

async function removeSeed(session: Session, name: string, changes: string[]): Promise<void> {
  const remove = session.hv.images.removeImage;
  if (!remove) throw new InvalidArgument(`vm: ${session.hv.type} hosts keep no seed ISOs; give media_path`, 'vm');
  const found = await session.hv.images.findImage({ name, kind: 'iso' });
  if (!found) return;
  await remove({ name, kind: 'iso' });
  changes.push(`remove seed ${found.path} from the host`);
}

/** Ejects the VM's seed and removes it (and this run's seed) from the host; a second run finds nothing to do. */
async function detachSeed(session: Session, vmName: string, digest: string, changes: string[]): Promise<void> {
  const vm = await session.hv.vms.findVm({ ref: { name: vmName } });
  const inDrive = seedNameOf(vmName, vm?.dvd);
  if (vm && inDrive) {
    await session.hv.media.detachIso({ vmId: vm.id });
    changes.push(`detach ${vm.dvd} from ${vmName}`);
  }
  for (const name of new Set([inDrive, seedImageName(vmName, digest)]))
    if (name) await removeSeed(session, name, changes);
}

/** Copies the seed to the host library unless the same bytes are there; resolves with its path on the host. */
async function seedOnHost(
  session: Session,
  request: InstallMediaRequest,
  digest: string,
  changes: string[],
): Promise<string> {
  if (request.mediaPath !== undefined) return request.mediaPath;
  if (!session.hv.images.removeImage)
    throw new InvalidArgument(`vm: seeds cannot be copied to ${session.hv.type} hosts; give media_path`, 'vm');
  const name = seedImageName(request.vm!, digest);
  const existing = await session.hv.images.findImage({ name, kind: 'iso' });
  if (existing?.sha256 === digest) return existing.path;
  // A different file under this name was damaged on the host: it is no VM's base, so it is replaced.
  if (existing) await removeSeed(session, name, changes);
  const published = await session.hv.images.publishImage({
    localPath: request.dest,
    name,
    kind: 'iso',
    sha256: digest,
  });
  changes.push(`copy seed ${request.dest} to the host library as ${name}.iso`);
  return published.image.path;
}

export async function installMedia(request: InstallMediaRequest, session?: Session): Promise<InstallMediaResult> {
  const answers = validateRequest(request);
  const seed = seedBytes(request.installer, answers, canonicalSenderKey(request.senderPublicKey, 'sender_public_key'));
  const bytes = request.installerInitrd !== undefined ? combinedInitrd(request.installerInitrd, seed) : seed;
  const digest = sha256(bytes);
  const changes: string[] = [];
  const current = existsSync(request.dest) ? readFileSync(request.dest) : undefined;
  if (current === undefined || sha256(current) !== digest) {
    changes.push(`write ${request.installer} seed ${request.dest}`);
    if (!request.check) {
      const tmp = join(dirname(request.dest), `.virtseal-seed-${process.pid}`);
      writeFileSync(tmp, bytes, { mode: 0o644 });
      renameSync(tmp, request.dest);
    }
  }
  let attached = false;
  let mediaPath: string | undefined;
  if (session && request.vm !== undefined && request.state === 'absent') {
    await detachSeed(session, request.vm, digest, changes);
  } else if (session && request.vm !== undefined) {
    const vm = await requireVm(session.hv, request.vm);
    mediaPath = await seedOnHost(session, request, digest, changes);
    if (vm.dvd !== mediaPath) {
      await session.hv.media.attachIso({ vmId: vm.id, path: mediaPath });
      changes.push(`attach ${mediaPath} to ${request.vm}`);
      // The seed it replaces is this VM's own and nothing else uses it.
      const previous = seedNameOf(request.vm, vm.dvd);
      if (previous && request.mediaPath === undefined) await removeSeed(session, previous, changes);
    }
    attached = true;
  }
  return {
    changed: changes.length > 0,
    changes,
    answers,
    dest: request.dest,
    sha256: digest,
    kernel_cmdline: kernelCommandLine(request.installer),
    attached,
    ...(mediaPath !== undefined && { media_path: mediaPath }),
  };
}
