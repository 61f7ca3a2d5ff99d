/**
 * Builds the provisioning ISOs, reproducibly (same bytes on every run: fixed dates, fixed modes, sorted files,
 * fixed volume UUID) and versioned (package version in the file name and in /VERSION). They hold the agents only:
 * no per-VM data and no secret, so one ISO serves every VM; the config arrives later through the sealed exchange.
 *
 *   npx tsx build/media.ts [OUT_DIR] [--sender-key PUB.pem]
 *                                        → OUT_DIR/virtseal-linux-<v>.iso (NoCloud, label CIDATA)
 *                                          OUT_DIR/virtseal-windows-<v>.iso (label VIRTSEAL)
 *
 * With --sender-key, both ISOs pin the controller's public sender key (docs/protocol.md §4a): the agents they
 * install open only envelopes that key signed. A public key is no secret, but such media belong to that controller.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { makeIso, stageFiles } from '../src/images/iso';
import { parsePinnedSenderKey } from '../src/seal/sender';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
export interface MediaOptions {
  /** PEM SubjectPublicKeyInfo of the controller's sender key (ECDSA P-256) to pin on both ISOs. */
  readonly senderPublicKey?: string;
}

export interface MediaResult {
  readonly linuxIso: string;
  readonly windowsIso: string;
  readonly version: string;
}

const source = (path: string): Buffer => readFileSync(join(ROOT, path));

/** cloud-init user-data that installs the agent and its unit from inline content and starts it. */
export function linuxUserData(version: string, senderPublicKey?: string): string {
  const agent = source('src/guest/linux/virtseal-agent');
  const unit = source('src/guest/linux/virtseal-agent.service');
  const doc = {
    write_files: [
      {
        path: '/usr/local/sbin/virtseal-agent',
        permissions: '0755',
        owner: 'root:root',
        encoding: 'b64',
        content: agent.toString('base64'),
      },
      {
        path: '/etc/systemd/system/virtseal-agent.service',
        permissions: '0644',
        owner: 'root:root',
        encoding: 'b64',
        content: unit.toString('base64'),
      },
      { path: '/etc/virtseal/media-version', permissions: '0644', owner: 'root:root', content: `${version}\n` },
      ...(senderPublicKey === undefined
        ? []
        : [
            { path: '/etc/virtseal/sender-key.pem', permissions: '0644', owner: 'root:root', content: senderPublicKey },
          ]),
    ],
    runcmd: [
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', '--no-block', 'virtseal-agent.service'],
    ],
  };
  return `#cloud-config\n${stringify(doc, { lineWidth: 0 })}`;
}

const isAgent = (name: string): boolean => name.endsWith('virtseal-agent');

export function buildMedia(outDir: string, options: MediaOptions = {}): MediaResult {
  const version = (JSON.parse(source('package.json').toString()) as { version: string }).version;
  const pin = options.senderPublicKey;
  if (pin !== undefined) parsePinnedSenderKey(pin, '--sender-key');
  const pinned = (name: string): Record<string, string> => (pin === undefined ? {} : { [name]: pin });
  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'virtseal-media-'));
  try {
    const linuxDir = join(work, 'linux');
    stageFiles(
      linuxDir,
      {
        'meta-data': `instance-id: virtseal-media-${version}\n`,
        'user-data': linuxUserData(version, pin),
        VERSION: `${version}\n`,
        'virtseal/virtseal-agent': source('src/guest/linux/virtseal-agent'),
        'virtseal/virtseal-agent.service': source('src/guest/linux/virtseal-agent.service'),
        ...pinned('virtseal/sender-key.pem'),
      },
      isAgent,
    );
    const windowsDir = join(work, 'windows');
    stageFiles(
      windowsDir,
      {
        VERSION: `${version}\n`,
        'virtseal/virtseal-agent.ps1': source('src/guest/windows/virtseal-agent.ps1'),
        'virtseal/seal-crypto.ps1': source('src/guest/windows/seal-crypto.ps1'),
        'virtseal/agent-kvp.ps1': source('src/guest/windows/agent-kvp.ps1'),
        'virtseal/agent-xenstore.ps1': source('src/guest/windows/agent-xenstore.ps1'),
        'virtseal/agent-steps.ps1': source('src/guest/windows/agent-steps.ps1'),
        'virtseal/agent-core.ps1': source('src/guest/windows/agent-core.ps1'),
        'virtseal/install-agent.ps1': source('src/guest/windows/install-agent.ps1'),
        'virtseal/unattend.xml': source('src/guest/windows/unattend.xml'),
        ...pinned('virtseal/sender-key.pem'),
      },
      isAgent,
    );
    const linuxIso = join(outDir, `virtseal-linux-${version}.iso`);
    const windowsIso = join(outDir, `virtseal-windows-${version}.iso`);
    makeIso(linuxDir, 'CIDATA', linuxIso);
    makeIso(windowsDir, 'VIRTSEAL', windowsIso);
    return { linuxIso, windowsIso, version };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--sender-key');
  const senderPublicKey = at >= 0 ? readFileSync(args.splice(at, 2)[1] ?? '', 'utf8') : undefined;
  const result = buildMedia(resolve(args[0] ?? join(ROOT, 'dist/media')), { senderPublicKey });
  console.log(JSON.stringify(result));
}
