/**
 * Preset host models. `standard`: one host with an external switch, a storage path, and a published golden image
 * (a small file standing in for a VHDX, registered with a realistic virtual size).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { defaultHyperVSettings } from '../drivers/hyperv/session';
import type { SimFiles } from './files';
import { winJoin } from './files';
import { SimRegistry } from './registry';

export const GOLDEN_IMAGE = 'debian-12-golden';

export interface PresetInfo {
  readonly switchName: string;
  readonly imageName: string;
  readonly imagePath: string;
  readonly libraryPath: string;
  readonly storagePath: string;
}

export function standardRegistry(): SimRegistry {
  const registry = new SimRegistry({
    name: 'HV-SIM01',
    virtualMachinePath: 'D:\\Hyper-V',
    virtualHardDiskPath: 'D:\\Hyper-V\\Virtual Hard Disks',
  });
  registry.switches.push({ name: 'LAN', type: 'External', subnet: '192.0.2' });
  return registry;
}

/** Writes the golden image into the host's library and registers it. */
export function publishGolden(
  registry: SimRegistry,
  files: SimFiles,
  libraryPath = defaultHyperVSettings.imageLibraryPath,
): PresetInfo {
  const imagePath = winJoin(libraryPath, `${GOLDEN_IMAGE}.vhdx`);
  const local = files.local(imagePath);
  mkdirSync(dirname(local), { recursive: true });
  const content = Buffer.from('vhdxfile simulated golden image: Debian 12 with the virtseal guest agent\n');
  writeFileSync(local, content);
  writeFileSync(`${local}.sha256`, `${createHash('sha256').update(content).digest('hex')}\r\n`);
  registry.vhds.set(imagePath.toLowerCase(), { path: imagePath, sizeBytes: 8 * 2 ** 30, parentPath: '' });
  mkdirSync(files.local(registry.host.virtualMachinePath), { recursive: true });
  return {
    switchName: 'LAN',
    imageName: GOLDEN_IMAGE,
    imagePath,
    libraryPath,
    storagePath: registry.host.virtualMachinePath,
  };
}
