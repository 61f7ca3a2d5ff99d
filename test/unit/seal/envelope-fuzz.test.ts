/**
 * Property test: 10,000 tampered, truncated, replayed, reordered or foreign envelopes; none is accepted, and
 * every rejection is an EnvelopeRejected naming a known check with a readable message.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { EnvelopeRejected } from '../../../src/core/errors';
import { assembleEnvelope, envelopeItems, parseManifest } from '../../../src/seal/chunking';
import { openEnvelope, sealEnvelope, type SessionBinding } from '../../../src/seal/envelope';
import { formatHello } from '../../../src/seal/hello';
import { vectorKey } from '../../helpers/seal-vectors';

const CHECKS = new Set([
  'format',
  'version',
  'algorithm',
  'vm_id',
  'attempt',
  'challenge',
  'key_agreement',
  'mac',
  'decrypt',
  'length',
  'manifest',
]);
const kex = vectorKey('guestKex');
const sig = vectorKey('guestSig');
const session = (attempt: string, vmId = '0000aaaa-0001'): SessionBinding => {
  const h = {
    versions: [3],
    vmId,
    attempt: attempt.repeat(32),
    challenge: attempt.repeat(64),
    kex: kex.publicKey,
    sig: sig.publicKey,
  };
  return { vmId, attempt: h.attempt, challenge: h.challenge, hello: formatHello(h, sig.privateKey) };
};
const A = session('a');
const B = session('b');
const payload = Buffer.from('virtseal-payload 3\nhostname d2ViMDE=\nadmin.password Y2FuYXJ5\n');
const sealedA = sealEnvelope({ ...A, payload, guestKey: kex.publicKey }).envelope;
const sealedB = sealEnvelope({ ...B, payload, guestKey: kex.publicKey }).envelope; // another attempt: replay source
const sealedForeign = sealEnvelope({ ...session('a', '0000bbbb-0002'), payload, guestKey: kex.publicKey }).envelope;
const key = kex.privateKey;

type Mutation = { kind: string; text: string };
const splitEvery = (s: string, n: number): string[] =>
  Array.from({ length: Math.ceil(s.length / n) }, (_, i) => s.slice(i * n, (i + 1) * n));

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ pos: fc.nat(), ch: fc.integer({ min: 32, max: 126 }) }).map(({ pos, ch }) => {
    const i = pos % sealedA.length;
    let c = String.fromCharCode(ch);
    if (c === sealedA[i]) c = c === 'A' ? 'B' : 'A';
    return { kind: 'tamper', text: sealedA.slice(0, i) + c + sealedA.slice(i + 1) };
  }),
  fc.nat().map((n) => ({ kind: 'truncate', text: sealedA.slice(0, n % sealedA.length) })),
  fc.record({ size: fc.integer({ min: 8, max: 400 }), i: fc.nat(), j: fc.nat() }).map(({ size, i, j }) => {
    const parts = splitEvery(sealedA, size);
    let a = i % parts.length;
    let b = j % parts.length;
    if (parts[a] === parts[b]) {
      a = 0;
      b = parts.length - 1;
    }
    [parts[a], parts[b]] = [parts[b]!, parts[a]!];
    return { kind: 'reorder', text: parts.join('') };
  }),
  fc.nat().map((n) => {
    const lines = sealedA.split('\n');
    const i = n % 8;
    const mixed = lines.map((l, k) => (k === i ? sealedB.split('\n')[k]! : l)).join('\n');
    return { kind: 'splice-other-attempt', text: mixed };
  }),
  fc.constantFrom({ kind: 'replay', text: sealedB }, { kind: 'foreign', text: sealedForeign }),
  fc.nat().map((n) => {
    const lines = sealedA.split('\n');
    lines.splice(n % 8, 1);
    return { kind: 'drop-line', text: lines.join('\n') };
  }),
  fc.record({ a: fc.nat(), b: fc.nat() }).map(({ a, b }) => {
    const lines = sealedA.split('\n').slice(0, 8);
    const i = a % 8;
    let j = b % 8;
    if (i === j) j = (j + 1) % 8;
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    return { kind: 'swap-lines', text: `${lines.join('\n')}\n` };
  }),
  fc.string({ maxLength: 40 }).map((s) => ({ kind: 'append', text: `${sealedA + s}x` })),
);

describe('seal/envelope fuzz', function () {
  this.timeout(300_000);
  it('accepts the genuine envelope (control)', () => {
    expect(openEnvelope(sealedA, key, A).payload).to.deep.equal(payload);
  });

  it('accepts none of 10,000 tampered/truncated/replayed/reordered/foreign envelopes, each with a clear reason', () => {
    const seen = new Map<string, number>();
    let accepted = 0;
    fc.assert(
      fc.property(mutation, (m) => {
        fc.pre(m.text !== sealedA);
        try {
          openEnvelope(m.text, key, A);
          accepted++;
          return false;
        } catch (e) {
          if (!(e instanceof EnvelopeRejected) || !CHECKS.has(e.check) || e.message.length < 20) return false;
          seen.set(`${m.kind}:${e.check}`, (seen.get(`${m.kind}:${e.check}`) ?? 0) + 1);
          return true;
        }
      }),
      { numRuns: 10_000, seed: 20261123 },
    );
    expect(accepted).to.equal(0);
    const checks = new Set([...seen.keys()].map((k) => k.split(':')[1]));
    for (const c of ['format', 'attempt', 'vm_id', 'mac', 'challenge'])
      expect(checks.has(c), `check ${c} exercised`).to.equal(true);
    const total = [...seen.values()].reduce((a, b) => a + b, 0);
    expect(total).to.be.at.least(9_900);
  });

  it('rejects chunk sets whose joined length differs from the manifest (truncation in transit)', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 200 }), (which, cut) => {
        const items = new Map(
          envelopeItems(sealedA, A.attempt)
            .flat()
            .map(([k, v]) => [k, v] as [string, string]),
        );
        const manifest = parseManifest(items.get('virtseal.manifest')!);
        const key = `virtseal.chunk.${which % manifest.chunks}`;
        const value = items.get(key)!;
        items.set(key, value.slice(0, Math.max(0, value.length - cut)));
        if (items.get(key) === value) return true;
        expect(() => assembleEnvelope(items, manifest)).to.throw(EnvelopeRejected, /truncated/);
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
