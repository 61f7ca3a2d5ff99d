/**
 * The persistent PowerShell runner in real pwsh: locally as a child process and through real OpenSSH on loopback.
 * Framing, scope isolation between requests, error isolation, crash and kill recovery, hostile values, large
 * payloads and Unicode.
 */
import { expect } from 'chai';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OperationTimeout, ScriptFailed } from '../../../src/core/errors';
import { PowerShellRunner, type PsScript } from '../../../src/transport/powershell-runner';
import { localLauncher } from '../../../src/transport/ps-process';
import { SshConnection } from '../../../src/transport/ssh-connection';
import { findPwsh, requirePwsh } from '../../helpers/pwsh';
import { startSshd, type TestSshd } from '../../helpers/sshd';

const echo: PsScript = { name: 'echo.ps1', text: 'param($Value)\n@{ value = $Value; pid = $PID }' };
const whoami: PsScript = { name: 'whoami.ps1', text: 'param()\n@{ pid = $PID }' };
const sleep: PsScript = {
  name: 'sleep.ps1',
  text: 'param([int]$Seconds)\nStart-Sleep -Seconds $Seconds\n@{ slept = $true }',
};

/** Values that are code in PowerShell, cmd, sh or in the framing itself. */
const HOSTILE: readonly string[] = [
  "O'Brien",
  '"; Remove-Item -Recurse C:\\ ; "',
  '$(Get-Date)',
  '`$env:PATH`',
  '${function:Get-Item}',
  '@(1,2)|%{$_}',
  '& calc.exe',
  'a|b;c&&d||e',
  '%PATH% ^& echo',
  '$(touch /tmp/pwned)',
  'line1\r\nline2\nline3\r',
  'tab\there',
  'nul\u0000byte',
  '\u2028\u2029\u0085',
  '<xml attr="&amp;">',
  '_x000D_',
  '#< CLIXML',
  'VSREQ 1 3\nabc',
  '\n__VIRTSEAL_RESULT__ 1 2\n{}',
  '\uFEFFbom',
  'right-to-left \u202Etxt.exe',
  '🚀 Привет 汉语 العربية',
  '\\\\server\\share',
];

function suite(
  name: string,
  open: () => Promise<{ runner: PowerShellRunner; kill: (pid: number) => void; close: () => Promise<void> }>,
): void {
  describe(name, function () {
    this.timeout(120_000);
    let runner: PowerShellRunner;
    let kill: (pid: number) => void;
    let close: () => Promise<void>;
    let scratch: string;
    before(async function () {
      requirePwsh(this);
      ({ runner, kill, close } = await open());
      scratch = mkdtempSync(join(tmpdir(), 'virtseal-pwsh-'));
    });
    after(async () => {
      await close?.();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    });

    it('serves many requests from one process, each answered in its own frame', async () => {
      const first = await runner.run<{ value: number; pid: number }>(echo, { Value: 0 });
      const processes = runner.stats.processes;
      for (let i = 1; i <= 15; i += 1) {
        const r = await runner.run<{ value: number; pid: number }>(echo, { Value: i });
        expect(r).to.deep.equal({ value: i, pid: first.pid });
      }
      expect(runner.stats.processes).to.equal(processes);
    });

    it('isolates requests: variables, $script: scope, functions, preferences, strict mode, location, prelude', async () => {
      const messy: PsScript = {
        name: 'messy.ps1',
        prelude: { name: 'common.ps1', text: 'function Get-FromPrelude { 42 }\n$preludeVariable = 1' },
        text: [
          'param()',
          '$leaked = 1; $script:scriptLeak = 2',
          'function Get-Leaked { 1 }',
          "$ErrorActionPreference = 'Continue'; $ProgressPreference = 'Continue'",
          'Set-StrictMode -Off',
          'Set-Location -LiteralPath ([IO.Path]::GetTempPath())',
          '@{ prelude = (Get-FromPrelude) }',
        ].join('\n'),
      };
      expect(await runner.run(messy, {})).to.deep.equal({ prelude: 42 });
      const probe: PsScript = {
        name: 'probe.ps1',
        text: [
          'param()',
          '$strict = try { $null = $notDefinedAnywhere; $false } catch { $true }',
          '@{',
          '  leaked = [bool](Get-Variable -Name leaked, scriptLeak, preludeVariable -ErrorAction SilentlyContinue)',
          '  functions = [bool]((Test-Path function:Get-Leaked) -or (Test-Path function:Get-FromPrelude))',
          '  eap = [string]$ErrorActionPreference',
          '  strict = $strict',
          '  location = (Get-Location).Path',
          '}',
        ].join('\n'),
      };
      const start = await runner.run<{ location: string }>(
        { name: 'where.ps1', text: 'param()\n@{ location = (Get-Location).Path }' },
        {},
      );
      const seen = await runner.run<Record<string, unknown>>(probe, {});
      expect(seen).to.deep.equal({
        leaked: false,
        functions: false,
        eap: 'Stop',
        strict: true,
        location: start.location,
      });
    });

    it('keeps an error inside its request: the next request runs in the same process', async () => {
      const { pid } = await runner.run<{ pid: number }>(whoami, {});
      const failing: PsScript = {
        name: 'failing.ps1',
        text: 'param()\n$x = 1\nWrite-Error "disk C: is full"\n@{ unreachable = $true }',
      };
      const error = await runner.run(failing, {}).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ScriptFailed);
      expect((error as Error).message).to.equal('failing.ps1: disk C: is full (line 3)');
      const broken = await runner.run({ name: 'broken.ps1', text: 'param(\n@{' }, {}).catch((e: Error) => e.message);
      expect(broken).to.match(/^broken\.ps1: broken\.ps1 does not parse: /);
      const two = await runner.run({ name: 'two.ps1', text: 'param()\n1\n2' }, {}).catch((e: Error) => e.message);
      expect(two).to.equal('two.ps1: two.ps1 produced 2 results instead of exactly one');
      const advanced: PsScript = {
        name: 'advanced.ps1',
        text: '[CmdletBinding()]\nparam([string]$Name)\n@{ name = $Name }',
      };
      const unknownParameter = await runner.run(advanced, { Nmae: 1 }).catch((e: Error) => e.message);
      expect(unknownParameter).to.match(
        /^advanced\.ps1: A parameter cannot be found that matches parameter name 'Nmae'/,
      );
      const prelude = await runner
        .run(
          {
            name: 'uses.ps1',
            text: 'param()\nThrow-Here',
            prelude: { name: 'lib.ps1', text: 'function Throw-Here {\n  throw "from the prelude"\n}' },
          },
          {},
        )
        .catch((e: Error) => e.message);
      expect(prelude).to.equal('uses.ps1: from the prelude (lib.ps1 line 2)');
      expect(await runner.run<{ pid: number }>(whoami, {})).to.deep.equal({ pid });
    });

    it('skips output a script writes around the frames (Write-Host, raw console writes)', async () => {
      const noisy: PsScript = {
        name: 'noisy.ps1',
        text: "param()\nWrite-Host 'hello __VIRTSEAL_RESULT__ 9 2'\n[Console]::Out.Write(\"`n__VIRTSEAL_RESULT__ 999 2`n{}`n\")\n[Console]::Out.Flush()\n@{ ok = 'yes' }",
      };
      expect(await runner.run(noisy, {})).to.deep.equal({ ok: 'yes' });
      expect(await runner.run(echo, { Value: 'after' })).to.include({ value: 'after' });
    });

    it('reports a process that dies mid-request in one line; the next request gets a fresh process', async () => {
      const { pid } = await runner.run<{ pid: number }>(whoami, {});
      const processes = runner.stats.processes;
      const pending = runner.run(sleep, { Seconds: 60 }).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 1500));
      kill(pid);
      const error = (await pending) as Error;
      expect(error).to.be.instanceOf(ScriptFailed);
      expect(error.message).to.match(
        /^sleep\.ps1: the pwsh\.exe process (ended|exited with code \d+) before answering/,
      );
      expect(error.message).to.not.include('\n');
      const fresh = await runner.run<{ pid: number }>(whoami, {});
      expect(fresh.pid).to.not.equal(pid);
      expect(runner.stats.processes).to.equal(processes + 1);
      const exit = await runner
        .run({ name: 'exit.ps1', text: 'param()\n[Environment]::Exit(7)' }, {})
        .catch((e: Error) => e.message);
      expect(exit).to.equal('exit.ps1: the pwsh.exe process exited with code 7 before answering');
      expect((await runner.run<{ pid: number }>(whoami, {})).pid).to.not.equal(fresh.pid);
    });

    it('abandons a request past its timeout and serves the next one from a fresh process', async () => {
      const { pid } = await runner.run<{ pid: number }>(whoami, {});
      const error = await runner.run(sleep, { Seconds: 60 }, { timeoutMs: 1500 }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(OperationTimeout);
      expect((error as Error).message).to.match(/^sleep\.ps1 on .* did not finish within 2 s$/);
      expect((await runner.run<{ pid: number }>(whoami, {})).pid).to.not.equal(pid);
    });

    it('passes hostile strings as data: each arrives intact and none runs', async () => {
      const canary = join(scratch, 'pwned');
      const values = [
        ...HOSTILE,
        `$(Set-Content -LiteralPath '${canary}' -Value 1)`,
        `'; Set-Content -LiteralPath '${canary}' -Value 1; '`,
      ];
      const script: PsScript = {
        name: 'lengths.ps1',
        text: 'param([string[]]$Values, [hashtable]$Map)\n@{ values = $Values; lengths = @($Values | ForEach-Object { $_.Length }); map = $Map }',
      };
      const map = Object.fromEntries(values.map((v, i) => [`k${i}`, v]));
      const r = await runner.run<{ values: string[]; lengths: number[]; map: Record<string, string> }>(script, {
        Values: values,
        Map: map,
      });
      expect(r.values).to.deep.equal(values);
      expect(r.lengths).to.deep.equal(values.map((v) => v.length));
      expect(r.map).to.deep.equal(map);
      expect(existsSync(canary), 'a value was executed').to.equal(false);
    });

    it('carries large payloads both ways (4 MiB string, 20,000-item array)', async () => {
      const big = 'abc\u00e9\u4e2d🚀'.repeat(500_000); // about 4 MiB of UTF-16, 3.5 million characters
      const r = await runner.run<{ value: string }>(echo, { Value: big });
      expect(r.value.length).to.equal(big.length);
      expect(r.value === big).to.equal(true);
      const items = Array.from({ length: 20_000 }, (_, i) => ({ name: `item-${i}`, n: i, flag: i % 2 === 0 }));
      const count: PsScript = {
        name: 'count.ps1',
        text: 'param([object[]]$Items)\n@{ count = $Items.Count; last = $Items[-1]; items = $Items }',
      };
      const c = await runner.run<{ count: number; last: unknown; items: unknown[] }>(count, { Items: items });
      expect(c.count).to.equal(20_000);
      expect(c.last).to.deep.equal(items[19_999]);
      expect(c.items).to.deep.equal(items);
    });

    it('round-trips Unicode across the BMP and beyond it, as strings PowerShell measures correctly', async () => {
      const chars: string[] = [];
      for (let cp = 0x20; cp < 0x10000; cp += 97) if (cp < 0xd800 || cp > 0xdfff) chars.push(String.fromCodePoint(cp));
      for (const cp of [0x1f680, 0x1f9d1, 0x10348, 0x2070e, 0x10ffff]) chars.push(String.fromCodePoint(cp));
      const text = chars.join('');
      const script: PsScript = {
        name: 'unicode.ps1',
        text: 'param([string]$Text)\n@{ text = $Text; length = $Text.Length; astral = [char]::IsSurrogatePair($Text, $Text.IndexOf([char]0xD83D)); greek = [string][char]0x3A9 }',
      };
      const r = await runner.run<{ text: string; length: number; astral: boolean; greek: string }>(script, {
        Text: text,
      });
      expect(r).to.deep.equal({ text, length: text.length, astral: true, greek: '\u03a9' });
    });
  });
}

suite('transport/powershell-runner in real pwsh (local process)', async () => {
  const runner = new PowerShellRunner(localLauncher(findPwsh()!), { executable: 'pwsh.exe' });
  return {
    runner,
    kill: (pid) => process.kill(pid, 'SIGKILL'),
    close: () => runner.close(),
  };
});

suite('transport/powershell-runner in real pwsh (OpenSSH on loopback)', async () => {
  // On this Linux sshd the session shell runs the command line; `pwsh.exe` on the session's PATH starts pwsh, as
  // a Windows host with PowerShell 7 would.
  const bin = mkdtempSync(join(tmpdir(), 'virtseal-pwsh-bin-'));
  writeFileSync(join(bin, 'pwsh.exe'), `#!/bin/sh\nexec '${findPwsh()!}' "$@"\n`);
  chmodSync(join(bin, 'pwsh.exe'), 0o755);
  let sshd: TestSshd | undefined;
  let connection: SshConnection | undefined;
  try {
    sshd = await startSshd([`SetEnv PATH=${bin}:/usr/local/bin:/usr/bin:/bin`]);
    connection = await SshConnection.connect({
      host: '127.0.0.1',
      port: sshd.port,
      user: sshd.user,
      privateKey: await readFile(sshd.keyFile, 'utf8'),
      acceptUnknownHostKey: true,
    });
  } catch (error) {
    await sshd?.stop();
    rmSync(bin, { recursive: true, force: true });
    throw error;
  }
  const runner = new PowerShellRunner(connection, { executable: 'pwsh.exe' });
  return {
    runner,
    kill: (pid) => process.kill(pid, 'SIGKILL'),
    close: async () => {
      const execs = connection!.stats.execs;
      await runner.close();
      await connection!.close();
      await sshd!.stop();
      rmSync(bin, { recursive: true, force: true });
      // One exec channel per PowerShell process: the SSH path started no process the runner did not count.
      expect(execs).to.equal(runner.stats.processes);
    },
  };
});
