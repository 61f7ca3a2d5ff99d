/**
 * Static checks of the Windows agent (its behaviour runs under Pester: windows-pester.test.ts): every .ps1 parses
 * with tree-sitter-powershell, its constants are the protocol's, it reads payload keys the payload carries, it
 * never puts a secret on a command line, and unattend.xml holds no password.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Parser from 'tree-sitter';
import PowerShell from 'tree-sitter-powershell';
import { XMLParser } from 'fast-xml-parser';
import * as C from '../../../src/seal/constants';
import { VECTORS } from '../../helpers/seal-vectors';

const DIR = 'src/guest/windows';
const parser = new Parser();
parser.setLanguage(PowerShell as unknown as Parser.Language);

function errors(node: Parser.SyntaxNode, out: string[] = []): string[] {
  if (node.type === 'ERROR' || node.isMissing)
    out.push(`${node.type} at ${node.startPosition.row + 1}:${node.startPosition.column + 1}`);
  for (const child of node.children) errors(child, out);
  return out;
}

const crypto = readFileSync(join(DIR, 'seal-crypto.ps1'), 'utf8');
const agent = ['virtseal-agent.ps1', 'agent-core.ps1', 'agent-steps.ps1', 'agent-kvp.ps1']
  .map((f) => readFileSync(join(DIR, f), 'utf8'))
  .join('\n');
const scriptVar = (name: string): string => {
  const m =
    new RegExp(`^\\$script:${name} = '([^']*)'$`, 'm').exec(crypto) ??
    new RegExp(`^\\$script:${name} = (\\d+)$`, 'm').exec(crypto);
  if (!m) throw new Error(`$script:${name} not found`);
  return m[1]!;
};

describe('guest/windows agent', () => {
  const scripts = readdirSync(DIR).filter((f) => f.endsWith('.ps1'));
  it('has the agent, its crypto and the installer', () => {
    expect(scripts.sort()).to.deep.equal([
      'agent-core.ps1',
      'agent-kvp.ps1',
      'agent-steps.ps1',
      'agent-xenstore.ps1',
      'install-agent.ps1',
      'seal-crypto.ps1',
      'virtseal-agent.ps1',
    ]);
  });
  for (const file of scripts) {
    it(`${file} parses without syntax errors (tree-sitter-powershell)`, () => {
      const tree = parser.parse(readFileSync(join(DIR, file), 'utf8'));
      expect(errors(tree.rootNode)).to.deep.equal([]);
    });
  }
  it('the parser does flag a broken script (the check can fail)', () => {
    expect(errors(parser.parse('function F { if ($x -eq 1) { "a" ').rootNode)).to.not.deep.equal([]);
  });

  it('uses the protocol constants of src/seal/constants.ts', () => {
    expect(scriptVar('SealMagic')).to.equal(C.ENVELOPE_MAGIC);
    expect(scriptVar('PayloadMagic')).to.equal(C.PAYLOAD_MAGIC);
    expect(scriptVar('SealAlgorithm')).to.equal(C.ALGORITHM);
    expect([scriptVar('InfoEnc'), scriptVar('InfoMac'), scriptVar('InfoStatus')]).to.deep.equal([
      C.INFO_ENC,
      C.INFO_MAC,
      C.INFO_STATUS,
    ]);
    expect(scriptVar('InfoApplied')).to.equal(C.INFO_APPLIED);
    expect([scriptVar('HelloLabel'), scriptVar('TranscriptLabel')]).to.deep.equal([C.HELLO_LABEL, C.TRANSCRIPT_LABEL]);
    expect(Number(scriptVar('Pbkdf2Iterations'))).to.equal(C.PBKDF2_ITERATIONS);
    for (const key of [C.HELLO_KEY, C.STATUS_KEY, C.MANIFEST_KEY, C.CHALLENGE_KEY, C.APPLIED_KEY])
      expect(agent).to.contain(`'${key}'`);
    expect(agent).to.contain(`"${C.CHUNK_PREFIX}$i"`);
    expect(agent).to.contain(`$script:MaxBadEnvelopes = ${C.MAX_BAD_ENVELOPES}`);
    expect(crypto)
      .to.contain('ECDiffieHellmanCng')
      .and.contain('ECDsaCng')
      .and.contain('ECDiffieHellmanKeyDerivationFunction]::Hash');
  });

  it('reads payload keys that the canonical payload actually carries', () => {
    const full = VECTORS.cases.find((c) => c.name === 'full')!;
    const payloadKeys = Buffer.from(full.payload_base64, 'base64')
      .toString()
      .split('\n')
      .slice(1)
      .map((l) => l.split(' ')[0]);
    const used = [...agent.matchAll(/\$Config\['([a-z_.]+)'\]/g)].map((m) => m[1]!);
    expect(used.length).to.be.greaterThan(5);
    for (const k of used) expect(payloadKeys, k).to.include(k);
    expect(payloadKeys).to.include('record.salt').and.include('record.digest');
    for (const k of ['mac', 'ipv4_address', 'ipv4_gateway', 'ipv6_address', 'dns_servers', 'search_domains']) {
      expect(agent).to.contain(`\${p}${k}`);
      expect(payloadKeys).to.include(`nic.000.${k}`);
    }
  });

  it('never passes a secret on a command line or splices values into program text', () => {
    for (const text of [agent, crypto]) {
      expect(text).to.not.match(/net(\.exe)? user/i);
      expect(text).to.not.match(/Invoke-Expression|iex /i);
      expect(text).to.not.match(/ConvertTo-SecureString[^\n]*-AsPlainText/);
    }
  });

  it('unattend.xml is well-formed and holds no password or auto-logon', () => {
    const xml = readFileSync(join(DIR, 'unattend.xml'), 'utf8');
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);
    expect(doc.unattend).to.be.an('object');
    expect(xml).to.not.match(/<(AdministratorPassword|Password|AutoLogon|PlainText)\b/i);
  });
});
