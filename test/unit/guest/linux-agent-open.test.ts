/**
 * The Linux agent's own crypto (sh + openssl CLI) against the committed protocol v2 vectors, through its
 * `open` subcommand: genuine envelopes open to the exact payload; tampered, truncated, reordered, replayed and
 * foreign ones are refused with a stable reason.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT } from '../../integration/seal/agent-harness';
import { PRIVATE_KEY_PATH, VECTORS, type V2Case } from '../seal/vectors';

function open(envelope: string, binding: Pick<V2Case, 'vm_id' | 'attempt' | 'nonce'>): { code: number | null; reason: string; payload?: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'virtseal-open-'));
  try {
    writeFileSync(join(dir, 'env'), envelope);
    const r = spawnSync('sh', [AGENT, 'open', '--private-key', PRIVATE_KEY_PATH, '--vm-id', binding.vm_id, '--attempt', binding.attempt,
      '--nonce', binding.nonce, '--envelope', join(dir, 'env'), '--out', join(dir, 'out'), '--runtime-dir', dir], { encoding: 'utf8' });
    return { code: r.status, reason: r.stdout.trim(), payload: r.status === 0 ? readFileSync(join(dir, 'out')) : undefined };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('guest/linux agent crypto against the v2 test vectors', function () {
  this.timeout(60_000);
  for (const v of VECTORS.cases) {
    it(`opens vector ${v.name} to the exact payload`, () => {
      const r = open(v.envelope, v);
      expect(r.code).to.equal(0);
      expect(r.payload!.toString('base64')).to.equal(v.payload_base64);
    });
  }

  const v = VECTORS.cases.find((c) => c.name === 'full')!;
  const other = VECTORS.cases.find((c) => c.name === 'minimal')!;
  const lines = v.envelope.split('\n');
  const flip = (s: string, i: number): string => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  const cases: [string, string, Pick<V2Case, 'vm_id' | 'attempt' | 'nonce'>, string][] = [
    ['a flipped ciphertext byte', lines.map((l, i) => (i === 6 ? flip(l, 40) : l)).join('\n'), v, 'envelope_mac'],
    ['a flipped MAC', lines.map((l, i) => (i === 7 ? l.slice(0, -1) + (l.endsWith('0') ? '1' : '0') : l)).join('\n'), v, 'envelope_mac'],
    ['a wrapped key for another key pair', lines.map((l, i) => (i === 5 ? flip(l, 30) : l)).join('\n'), v, 'envelope_key_unwrap'],
    ['truncation', v.envelope.slice(0, 1500), v, 'envelope_format'],
    ['reordered lines', [lines[0], lines[2], lines[1], ...lines.slice(3)].join('\n'), v, 'envelope_format'],
    ['a replay from another attempt', other.envelope, { ...v, vm_id: other.vm_id }, 'envelope_attempt'],
    ['a replay with the attempt line edited', lines.map((l, i) => (i === 2 ? `attempt ${other.attempt}` : l)).join('\n'), { ...v, attempt: other.attempt, nonce: other.nonce }, 'envelope_nonce'],
    ['foreign data (another VM)', v.envelope, { ...v, vm_id: '11111111-2222-3333-4444-555555555555' }, 'envelope_vm_id'],
    ['another protocol version', v.envelope.replace('virtseal-envelope 2', 'virtseal-envelope 3'), v, 'envelope_version'],
    ['an edited vm line (MAC covers it)', v.envelope.replace(`vm ${v.vm_id}`, 'vm 11111111-2222-3333-4444-555555555555'), { ...v, vm_id: '11111111-2222-3333-4444-555555555555' }, 'envelope_mac'],
  ];
  for (const [what, text, binding, reason] of cases) {
    it(`refuses ${what} with ${reason}`, () => {
      const r = open(text, binding);
      expect(r.code).to.equal(3);
      expect(r.reason).to.equal(reason);
    });
  }
});
