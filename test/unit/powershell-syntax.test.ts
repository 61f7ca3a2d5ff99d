/**
 * Every .ps1 under src/ (all teams) must parse with tree-sitter-powershell, and the host scripts must follow the
 * house rules (param block first, strict mode, stop on errors). The grammar rejects some valid PowerShell; known false
 * positives are listed below with the reason, everything else is a failure.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import Parser from 'tree-sitter';
import PowerShell from 'tree-sitter-powershell';

/** file (relative to the repo) → why the grammar's complaint is wrong. Keep short. */
const KNOWN_FALSE_POSITIVES: Record<string, string> = {};

function ps1Files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return ps1Files(path);
    return name.endsWith('.ps1') ? [path] : [];
  });
}

function syntaxErrors(text: string): string[] {
  const parser = new Parser();
  parser.setLanguage(PowerShell as unknown as Parser.Language);
  const tree = parser.parse(text);
  const out: string[] = [];
  const walk = (node: Parser.SyntaxNode): void => {
    const bad = node.children.filter((c) => c.hasError);
    if (node.hasError && bad.length === 0) {
      out.push(
        `line ${node.startPosition.row + 1}: ${node.isMissing ? `missing ${node.type}` : node.type} ${JSON.stringify(text.slice(node.startIndex, node.startIndex + 60))}`,
      );
    }
    bad.forEach(walk);
  };
  walk(tree.rootNode);
  return out;
}

const files = ps1Files('src')
  .map((f) => relative('.', f))
  .sort();

describe('PowerShell scripts under src/', () => {
  it('finds the Hyper-V scripts and the runner', () => {
    expect(files).to.include('src/transport/powershell/runner.ps1');
    expect(files.filter((f) => f.startsWith('src/drivers/hyperv/scripts/')).length).to.be.greaterThan(20);
  });

  for (const file of files) {
    it(`${file} parses`, () => {
      const errors = syntaxErrors(readFileSync(file, 'utf8'));
      if (KNOWN_FALSE_POSITIVES[file]) return;
      expect(errors, errors.join('\n')).to.deep.equal([]);
    });
  }

  it('the parser does report real syntax errors (the check can fail)', () => {
    expect(syntaxErrors("param([string]$A\nif ($A -eq 'x' { 'y' }")).to.not.deep.equal([]);
  });

  const hostScripts = files.filter((f) => f.startsWith('src/drivers/') || f.startsWith('src/transport/'));
  for (const file of hostScripts) {
    it(`${file} follows the script rules`, () => {
      const text = readFileSync(file, 'utf8');
      const code = text.replace(/^#.*$/gm, '').trimStart();
      const prelude = file.endsWith('hyperv-common.ps1');
      if (!prelude)
        expect(/^(\[CmdletBinding\(\)\]\s*)?param\(/.test(code), 'starts with param(...) after comments').to.equal(
          true,
        );
      // An advanced script refuses a parameter it does not declare; a simple one would take it silently into $args.
      if (!prelude && file.startsWith('src/drivers/'))
        expect(code, 'binds strictly: [CmdletBinding()] or [Parameter()]').to.match(
          /^\[CmdletBinding\(\)\]|\[Parameter\(/,
        );
      expect(text).to.match(/^Set-StrictMode -Version Latest$/m);
      expect(text).to.match(/^\$ErrorActionPreference = 'Stop'$/m);
      expect(text, 'no Invoke-Expression: data never becomes code').to.not.match(/Invoke-Expression|\biex\b/i);
      expect(text, 'no numeric multiplier literals (1GB): the grammar rejects them').to.not.match(
        /\b\d+(KB|MB|GB|TB)\b/,
      );
    });
  }
});
