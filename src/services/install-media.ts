/**
 * install_media: render installer answers without secrets, write their seed reproducibly, and optionally attach the
 * seed ISO to a VM. Same answers → same bytes, so a second identical run writes nothing and reports changed=false;
 * in check mode nothing is written or attached and the result says what would be.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
  readonly vm?: string;
  readonly mediaPath?: string;
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
  if ((request.vm === undefined) !== (request.mediaPath === undefined)) {
    const missing = request.vm === undefined ? 'vm' : 'media_path';
    throw new InvalidArgument(
      `${missing}: vm and media_path go together (media_path is the seed ISO's path on the host)`,
      missing,
    );
  }
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

export async function installMedia(request: InstallMediaRequest, session?: Session): Promise<InstallMediaResult> {
  const answers = validateRequest(request);
  const bytes = seedBytes(request.installer, answers, canonicalSenderKey(request.senderPublicKey, 'sender_public_key'));
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
  if (session && request.vm !== undefined && request.mediaPath !== undefined) {
    const vm = await requireVm(session.hv, request.vm);
    if (vm.dvd !== request.mediaPath) {
      changes.push(`attach ${request.mediaPath} to ${request.vm}`);
      await session.hv.media.attachIso({ vmId: vm.id, path: request.mediaPath });
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
  };
}
