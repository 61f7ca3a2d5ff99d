/**
 * The Windows agent cannot run here (no PowerShell): every .ps1 is parsed with tree-sitter-powershell and must
 * have no syntax error, and its crypto formats are checked against the protocol constants and the v2 vectors:
 * labels, magic lines, SPKI layout, line patterns, the status MAC text, and the one-iteration PBKDF2 identity
 * its AES key derivation relies on.
 */
import { expect } from 'chai';
import { createHmac, createPublicKey, pbkdf2Sync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Parser from 'tree-sitter';
import PowerShell from 'tree-sitter-powershell';
import { XMLParser } from 'fast-xml-parser';
import * as C from '../../../src/seal/constants';
import { statusMacInput } from '../../../src/seal/hello';
import { PRIVATE_KEY_PEM, VECTORS } from '../seal/vectors';

const DIR = 'src/guest/windows';
const parser = new Parser();
parser.setLanguage(PowerShell as unknown as Parser.Language);

function errors(node: Parser.SyntaxNode, out: string[] = []): string[] {
  if (node.type === 'ERROR' || node.isMissing) out.push(`${node.type} at ${node.startPosition.row + 1}:${node.startPosition.column + 1}`);
  for (const child of node.children) errors(child, out);
  return out;
}

const crypto = readFileSync(join(DIR, 'seal-crypto.ps1'), 'utf8');
const agent = readFileSync(join(DIR, 'virtseal-agent.ps1'), 'utf8');
const scriptVar = (name: string): string => {
  const m = new RegExp(`^\\$script:${name} = '([^']*)'$`, 'm').exec(crypto) ?? new RegExp(`^\\$script:${name} = (\\d+)$`, 'm').exec(crypto);
  if (!m) throw new Error(`$script:${name} not found`);
  return m[1]!;
};

describe('guest/windows agent', () => {
  const scripts = readdirSync(DIR).filter((f) => f.endsWith('.ps1'));
  it('has the agent, its crypto and the installer', () => {
    expect(scripts.sort()).to.deep.equal(['install-agent.ps1', 'seal-crypto.ps1', 'virtseal-agent.ps1']);
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
    expect([scriptVar('InfoEnc'), scriptVar('InfoMac'), scriptVar('InfoStatus')]).to.deep.equal([C.INFO_ENC, C.INFO_MAC, C.INFO_STATUS]);
    expect(Number(scriptVar('Pbkdf2Iterations'))).to.equal(C.PBKDF2_ITERATIONS);
    for (const key of [C.HELLO_KEY, C.STATUS_KEY, C.MANIFEST_KEY]) expect(agent).to.contain(`'${key}'`);
    expect(agent).to.contain(`"${C.CHUNK_PREFIX}$i"`);
    expect(crypto).to.contain('RSAEncryptionPadding]::OaepSHA256').and.contain('RSACng -ArgumentList 3072');
  });

  it('builds SubjectPublicKeyInfo exactly as node:crypto encodes an RSA-3072 key (vector key)', () => {
    const spki = createPublicKey(PRIVATE_KEY_PEM).export({ type: 'spki', format: 'der' });
    const jwk = createPublicKey(PRIVATE_KEY_PEM).export({ format: 'jwk' });
    const built = Buffer.concat([Buffer.from(scriptVar('Spki3072Prefix'), 'hex'), Buffer.from(jwk.n!, 'base64url'), Buffer.from(scriptVar('Spki3072Suffix'), 'hex')]);
    expect(built.equals(spki)).to.equal(true);
    expect(spki.toString('base64')).to.equal(VECTORS.public_key_spki_base64);
  });

  it('its envelope line patterns accept every vector envelope line and its check order matches the Linux agent', () => {
    const block = /\$patterns = @\(([\s\S]*?)\)\n/.exec(crypto)![1]!;
    const patterns = [...block.matchAll(/'([^']+)'/g)].map((m) => new RegExp(m[1]!));
    expect(patterns).to.have.length(7);
    for (const v of VECTORS.cases) {
      const lines = v.envelope.split('\n');
      patterns.forEach((re, i) => expect(re.test(lines[i + 1]!), `${v.name} line ${i + 2}`).to.equal(true));
    }
    const order = [...crypto.matchAll(/& \$fail '(envelope_[a-z_]+)'/g)].map((m) => m[1]);
    expect(order.filter((r, i) => order.indexOf(r) === i)).to.deep.equal([
      'envelope_format', 'envelope_version', 'envelope_algorithm', 'envelope_vm_id', 'envelope_attempt', 'envelope_nonce', 'envelope_key_unwrap', 'envelope_mac', 'envelope_decrypt',
    ]);
  });

  it('its status MAC text is the protocol text (recomputes the vector status MAC)', () => {
    const template = /\$text = "(virtseal\/2 status[^"]*)"/.exec(crypto)![1]!;
    for (const v of VECTORS.cases) {
      const text = template.replace(/`n/g, '\n').replace('$VmId', v.vm_id).replace('$Attempt', v.attempt).replace('$State', 'applied').replace('$Reason', '-');
      expect(text).to.equal(statusMacInput(v.vm_id, v.attempt, 'applied', '-'));
      const mac = createHmac('sha256', Buffer.from(v.k_status_hex, 'hex')).update(text).digest('hex');
      expect(v.status_applied).to.equal(`applied ${v.attempt} - ${mac}`);
    }
  });

  it('its one-iteration PBKDF2 blocks equal what openssl enc -pbkdf2 -iter 1 derives (vector salts)', () => {
    expect(crypto).to.contain('[byte[]]@(0, 0, 0, 1)').and.contain('[byte[]]@(0, 0, 0, 2)');
    for (const v of VECTORS.cases) {
      const password = Buffer.from(v.k_enc_hex);
      const salt = Buffer.from(v.salt_hex, 'hex');
      const t1 = createHmac('sha256', password).update(Buffer.concat([salt, Buffer.from([0, 0, 0, 1])])).digest();
      const t2 = createHmac('sha256', password).update(Buffer.concat([salt, Buffer.from([0, 0, 0, 2])])).digest();
      expect(Buffer.concat([t1, t2.subarray(0, 16)]).equals(pbkdf2Sync(password, salt, 1, 48, 'sha256'))).to.equal(true);
    }
  });

  it('reads payload keys that the canonical payload actually carries', () => {
    const full = VECTORS.cases.find((c) => c.name === 'full')!;
    const payloadKeys = Buffer.from(full.payload_base64, 'base64').toString().split('\n').slice(1).map((l) => l.split(' ')[0]);
    const used = [...agent.matchAll(/\$Config\['([a-z_.]+)'\]/g)].map((m) => m[1]!);
    expect(used.length).to.be.greaterThan(5);
    for (const k of used) expect(payloadKeys, k).to.include(k);
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
