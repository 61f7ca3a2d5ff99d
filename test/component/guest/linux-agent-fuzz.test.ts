/** A sample of the envelope fuzz run through the real sh agent: none accepted, each with a stable reason. */
import { expect } from 'chai';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT } from '../../integration/seal/agent-harness';
import { KEY_PATHS, VECTORS } from '../../helpers/seal-vectors';

const REASONS = new Set([
  'envelope_format',
  'envelope_version',
  'envelope_algorithm',
  'envelope_vm_id',
  'envelope_attempt',
  'envelope_challenge',
  'envelope_key_agreement',
  'envelope_mac',
  'envelope_decrypt',
  'payload_format',
]);
const v = VECTORS.cases.find((c) => c.name === 'full')!;

describe('guest/linux agent envelope fuzz (sample)', function () {
  this.timeout(300_000);
  it('accepts none of 60 tampered/truncated/reordered envelopes; every refusal names a stable reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtseal-agent-fuzz-'));
    const reasons = new Map<string, number>();
    try {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.record({ pos: fc.nat(), ch: fc.constantFrom('A', 'b', '0', '/', ' ', '\n') }).map(({ pos, ch }) => {
              const i = pos % v.envelope.length;
              return (
                v.envelope.slice(0, i) +
                (v.envelope[i] === ch ? (ch === 'A' ? 'B' : 'A') : ch) +
                v.envelope.slice(i + 1)
              );
            }),
            fc.nat().map((n) => v.envelope.slice(0, n % v.envelope.length)),
            fc.record({ i: fc.nat(), j: fc.nat() }).map(({ i, j }) => {
              const parts = v.envelope.match(/[\s\S]{1,200}/g)!;
              const a = i % parts.length;
              const b = (a + 1 + (j % (parts.length - 1))) % parts.length;
              [parts[a], parts[b]] = [parts[b]!, parts[a]!];
              return parts.join('');
            }),
          ),
          (text) => {
            fc.pre(text !== v.envelope);
            writeFileSync(join(dir, 'env'), text);
            const r = spawnSync(
              'sh',
              [
                AGENT,
                'open',
                '--private-key',
                KEY_PATHS.guestKex,
                '--hello',
                v.hello,
                '--envelope',
                join(dir, 'env'),
                '--out',
                join(dir, 'out'),
                '--runtime-dir',
                dir,
              ],
              { encoding: 'utf8' },
            );
            const reason = r.stdout.trim();
            reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
            return r.status === 3 && REASONS.has(reason);
          },
        ),
        { numRuns: 60, seed: 4242 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(reasons.has('envelope_mac') && reasons.has('envelope_format')).to.equal(true);
  });
});
