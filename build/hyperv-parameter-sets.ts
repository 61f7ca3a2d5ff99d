/**
 * Regenerates src/sim/hyperv-module/parameter-sets.json, the table of Microsoft's documented parameter sets for every
 * cmdlet the fake Hyper-V modules define, from a checkout of github.com/MicrosoftDocs/windows-powershell-docs (Hyper-V,
 * docset winserver2022-ps) and github.com/MicrosoftDocs/PowerShell-Docs (CimCmdlets, 5.1 reference):
 *   tsx build/hyperv-parameter-sets.ts <windows-powershell-docs dir> <PowerShell-Docs dir>
 * Each cmdlet's SYNTAX section is read: one entry per parameter set with each parameter's type and whether it is
 * mandatory. The table is committed; test/component/sim/fake-hyperv-parameters.test.ts checks the fakes against it.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const HYPERV = [
  'Get-VM',
  'Get-VMHost',
  'New-VM',
  'Rename-VM',
  'Remove-VM',
  'Set-VM',
  'Start-VM',
  'Stop-VM',
  'Save-VM',
  'Set-VMProcessor',
  'Get-VMMemory',
  'Set-VMMemory',
  'Get-VMFirmware',
  'Set-VMFirmware',
  'Get-VMBios',
  'Set-VMBios',
  'Get-VMSecurity',
  'Set-VMKeyProtector',
  'Enable-VMTPM',
  'Disable-VMTPM',
  'Get-VMHardDiskDrive',
  'Add-VMHardDiskDrive',
  'Remove-VMHardDiskDrive',
  'Get-VHD',
  'New-VHD',
  'Resize-VHD',
  'Get-VMNetworkAdapter',
  'Add-VMNetworkAdapter',
  'Remove-VMNetworkAdapter',
  'Connect-VMNetworkAdapter',
  'Get-VMNetworkAdapterVlan',
  'Set-VMNetworkAdapterVlan',
  'Set-VMNetworkAdapter',
  'Get-VMSwitch',
  'Get-VMDvdDrive',
  'Add-VMDvdDrive',
  'Set-VMDvdDrive',
  'Get-VMIntegrationService',
  'Enable-VMIntegrationService',
  'Get-VMSnapshot',
  'Checkpoint-VM',
  'Restore-VMSnapshot',
  'Remove-VMSnapshot',
];
const CIM = ['Get-CimInstance', 'Invoke-CimMethod', 'Get-CimAssociatedInstance'];

interface Param {
  name: string;
  type: string;
  mandatory: boolean;
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

function parse(markdown: string): Record<string, Param[]> {
  const syntax = markdown.split(/^## SYNTAX$/m)[1]!.split(/^## /m)[0]!;
  const sets: Record<string, Param[]> = {};
  for (const block of syntax.split(/^### /m).slice(1)) {
    const name = block
      .split('\n')[0]!
      .replace(/\s*\(Default\)\s*$/, '')
      .trim();
    const code = (/```[a-z]*\n([\s\S]*?)```/.exec(block)?.[1] ?? '').replace(/^\s*[A-Za-z]+-[A-Za-z]+/, '');
    const params: Param[] = [];
    const re = /(\[\[?)?-([A-Za-z0-9]+)(\])?(?:\s+<([^>]+)>)?(\])?/g;
    for (const m of code.replace(/\s+/g, ' ').matchAll(re)) {
      const [, open = '', pname, closeAfterName, type, trailing] = m;
      if (['WhatIf', 'Confirm'].includes(pname!)) continue;
      const mandatory =
        open === '' || (open === '[' && closeAfterName === ']' && type !== undefined && trailing === undefined);
      params.push({ name: pname!, type: type ?? 'SwitchParameter', mandatory });
    }
    sets[name] = params;
  }
  return sets;
}

const [windowsDocs, psDocs] = process.argv.slice(2);
if (!windowsDocs || !psDocs)
  throw new Error('usage: tsx build/hyperv-parameter-sets.ts <windows-powershell-docs> <PowerShell-Docs>');
const table: Record<string, { module: string; source: string; parameterSets: Record<string, Param[]> }> = {};
for (const cmdlet of HYPERV) {
  const text = git(windowsDocs, 'show', `HEAD:docset/winserver2022-ps/Hyper-V/${cmdlet}.md`);
  table[cmdlet] = {
    module: 'Hyper-V',
    source: `https://learn.microsoft.com/powershell/module/hyper-v/${cmdlet.toLowerCase()}?view=windowsserver2022-ps`,
    parameterSets: parse(text),
  };
}
for (const cmdlet of CIM) {
  const text = git(psDocs, 'show', `HEAD:reference/5.1/CimCmdlets/${cmdlet}.md`);
  table[cmdlet] = {
    module: 'CimCmdlets',
    source: `https://learn.microsoft.com/powershell/module/cimcmdlets/${cmdlet.toLowerCase()}?view=powershell-5.1`,
    parameterSets: parse(text),
  };
}
writeFileSync('src/sim/hyperv-module/parameter-sets.json', `${JSON.stringify(table, null, 1)}\n`);
console.log(`parameter-sets.json: ${Object.keys(table).length} cmdlets`);
