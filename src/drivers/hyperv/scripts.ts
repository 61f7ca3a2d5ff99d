/** The Hyper-V scripts as sent to the host: static text embedded at build time, with the shared prelude. */
import type { PsScript } from '../../transport/powershell-runner';
import { embeddedScripts } from './scripts/scripts.generated';

export const PRELUDE_NAME = 'hyperv-common.ps1';

export type HyperVScriptName =
  | 'host-facts'
  | 'vm-list'
  | 'vm-get'
  | 'vm-create'
  | 'vm-set'
  | 'vm-delete'
  | 'power-set'
  | 'kvp-set'
  | 'kvp-read'
  | 'image-find'
  | 'image-list'
  | 'image-commit'
  | 'disk-add'
  | 'disk-remove'
  | 'disk-resize'
  | 'nic-add'
  | 'nic-remove'
  | 'nic-set'
  | 'dvd-set'
  | 'checkpoint-list'
  | 'checkpoint-create'
  | 'checkpoint-apply'
  | 'checkpoint-remove'
  | 'cluster-role';

export function hypervScript(name: HyperVScriptName): PsScript {
  const file = `${name}.ps1`;
  const text = embeddedScripts[file];
  if (text === undefined) throw new Error(`script ${file} is not embedded (run npm run generate)`);
  return { name: file, text, prelude: { name: PRELUDE_NAME, text: embeddedScripts[PRELUDE_NAME]! } };
}
