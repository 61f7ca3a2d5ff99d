/**
 * The fake Hyper-V and CimCmdlets modules against Microsoft's documented parameter sets
 * (src/sim/hyperv-module/parameter-sets.json, generated from the docs by build/hyperv-parameter-sets.ts): a fake may
 * implement fewer parameters, never one the real cmdlet lacks or puts in another parameter set; and every parameter
 * the host scripts pass exists in the fake and, together with the call's other parameters, in one documented set.
 * The scripts' calls are read with PowerShell's own parser.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { findPwsh, MODULE_DIR, PWSH_HINT, simAssembly } from '../../../src/sim/pwsh';

interface DocParam {
  name: string;
  type: string;
  mandatory: boolean;
}
type Table = Record<string, { module: string; source: string; parameterSets: Record<string, DocParam[]> }>;
interface FakeCommand {
  name: string;
  module: string;
  sets: { name: string; parameters: string[] }[];
}
interface ScriptCall {
  file: string;
  line: number;
  command: string;
  qualified: boolean;
  parameters: string[];
}

const table = JSON.parse(readFileSync(join(MODULE_DIR, 'parameter-sets.json'), 'utf8')) as Table;
const COMMON = new Set([
  'Verbose',
  'Debug',
  'ErrorAction',
  'WarningAction',
  'InformationAction',
  'ProgressAction',
  'ErrorVariable',
  'WarningVariable',
  'InformationVariable',
  'OutVariable',
  'OutBuffer',
  'PipelineVariable',
  'WhatIf',
  'Confirm',
]);

const INSPECT = `
$ErrorActionPreference = 'Stop'
$null = [System.Reflection.Assembly]::LoadFrom($env:VS_ASSEMBLY)
$fakes = foreach ($module in @('Hyper-V', 'CimCmdlets')) {
    $m = Import-Module (Join-Path $env:VS_MODULES $module) -PassThru
    foreach ($c in $m.ExportedFunctions.Values) {
        [ordered]@{ name = $c.Name; module = $module; sets = @($c.ParameterSets | ForEach-Object { [ordered]@{ name = $_.Name; parameters = @($_.Parameters | ForEach-Object { $_.Name }) } }) }
    }
}
$calls = foreach ($file in Get-ChildItem -LiteralPath $env:VS_SCRIPTS -Filter *.ps1) {
    $tokens = $null; $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref]$tokens, [ref]$errors)
    foreach ($command in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true)) {
        $name = $command.GetCommandName()
        if ($null -eq $name) { continue }
        [ordered]@{
            file = $file.Name; line = $command.Extent.StartLineNumber; command = ($name -replace '^[^\\\\]+\\\\', ''); qualified = ($name -match '^(Hyper-V|CimCmdlets)\\\\')
            parameters = @($command.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] } | ForEach-Object { $_.ParameterName })
        }
    }
}
[ordered]@{ fakes = @($fakes); calls = @($calls) } | ConvertTo-Json -Depth 8 -Compress
`;

describe('sim/fake Hyper-V parameter sets', () => {
  let fakes: FakeCommand[] = [];
  let calls: ScriptCall[] = [];

  before(async function () {
    const pwsh = findPwsh();
    if (!pwsh) {
      if (process.env.CI === 'true') throw new Error(PWSH_HINT);
      console.log(`      skipped: ${PWSH_HINT}`);
      this.skip();
    }
    const assembly = await simAssembly(pwsh!);
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        pwsh!,
        ['-NoProfile', '-NonInteractive', '-Command', INSPECT],
        {
          env: {
            ...process.env,
            VS_ASSEMBLY: assembly,
            VS_MODULES: MODULE_DIR,
            VS_SCRIPTS: 'src/drivers/hyperv/scripts',
          },
          maxBuffer: 16 * 1024 * 1024,
        },
        (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(stdout)),
      ),
    );
    ({ fakes, calls } = JSON.parse(out) as { fakes: FakeCommand[]; calls: ScriptCall[] });
  });

  it('every fake cmdlet is documented, with a source', () => {
    expect(fakes.length).to.be.greaterThan(40);
    for (const f of fakes) {
      expect(table[f.name], `${f.name} is not in parameter-sets.json`).to.not.equal(undefined);
      expect(table[f.name]!.module).to.equal(f.module);
      expect(table[f.name]!.source).to.match(/^https:\/\/learn\.microsoft\.com\//);
    }
  });

  it('no fake accepts a parameter its real parameter set lacks', () => {
    const wrong: string[] = [];
    for (const f of fakes) {
      const doc = table[f.name]!.parameterSets;
      for (const set of f.sets) {
        const real = doc[set.name];
        if (!real) {
          wrong.push(
            `${f.name}: parameter set '${set.name}' is not documented (documented: ${Object.keys(doc).join(', ')})`,
          );
          continue;
        }
        const names = new Set(real.map((p) => p.name.toLowerCase()));
        for (const p of set.parameters)
          if (!COMMON.has(p) && !names.has(p.toLowerCase())) wrong.push(`${f.name} [${set.name}] -${p}`);
      }
    }
    expect(wrong, wrong.join('\n')).to.deep.equal([]);
  });

  it("every parameter a script passes exists in the fake and, with the call's others, in one documented set", () => {
    const byName = new Map(fakes.map((f) => [f.name.toLowerCase(), f]));
    const checked = calls.filter((c) => byName.has(c.command.toLowerCase()));
    const wrong: string[] = [];
    for (const call of checked) {
      const fake = byName.get(call.command.toLowerCase())!;
      const used = call.parameters.filter((p) => !COMMON.has(p));
      const inFake = fake.sets.some((s) =>
        used.every((p) => s.parameters.some((q) => q.toLowerCase() === p.toLowerCase())),
      );
      if (!inFake)
        wrong.push(
          `${call.file}:${call.line} ${call.command} -${used.join(' -')}: the fake has no parameter set with all of them`,
        );
      const inDocs = Object.values(table[fake.name]!.parameterSets).some((set) =>
        used.every((p) => set.some((q) => q.name.toLowerCase() === p.toLowerCase())),
      );
      if (!inDocs)
        wrong.push(
          `${call.file}:${call.line} ${call.command} -${used.join(' -')}: no documented parameter set has all of them`,
        );
    }
    console.log(
      `      ${checked.length} calls of ${new Set(checked.map((c) => c.command)).size} Hyper-V/CIM cmdlets checked in ${new Set(checked.map((c) => c.file)).size} scripts`,
    );
    expect(checked.length).to.be.greaterThan(60);
    expect(wrong, wrong.join('\n')).to.deep.equal([]);
  });

  it("every Hyper-V and CIM call names its module (another module's Get-VM or New-VM, e.g. VMware PowerCLI, cannot win)", () => {
    const names = new Set(fakes.map((f) => f.name.toLowerCase()));
    const bare = calls
      .filter((c) => names.has(c.command.toLowerCase()) && !c.qualified)
      .map((c) => `${c.file}:${c.line} ${c.command}`);
    expect(bare, bare.join('\n')).to.deep.equal([]);
  });

  it('the table itself catches a parameter Hyper-V does not have', () => {
    const sets = table['Set-VMProcessor']!.parameterSets;
    expect(Object.values(sets).some((s) => s.some((p) => p.name === 'Count'))).to.equal(true);
    expect(Object.values(sets).some((s) => s.some((p) => p.name === 'CpuCount'))).to.equal(false);
    expect(table['Add-VMNetworkAdapter']!.parameterSets.VMObject!.map((p) => p.name)).to.include('StaticMacAddress');
  });
});
