/**
 * The Linux agent's own crypto (sh + openssl CLI) against the committed protocol v3 vectors, through its
 * `open` subcommand: genuine envelopes open to the exact payload; tampered, truncated, reordered, replayed and
 * foreign ones are refused with a stable reason.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT } from '../../integration/seal/agent-harness';
import { generateKeyPairSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { senderSignedText } from '../../../src/seal/sender';
import { KEY_PATHS, SENDER_PUBLIC_PEM, VECTORS } from '../../helpers/seal-vectors';

function open(
  envelope: string,
  hello: string,
  sender: readonly string[] = [],
): { code: number | null; reason: string; payload?: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'virtseal-open-'));
  try {
    writeFileSync(join(dir, 'env'), envelope);
    const r = spawnSync(
      'sh',
      [
        AGENT,
        'open',
        '--private-key',
        KEY_PATHS.guestKex,
        '--hello',
        hello,
        '--envelope',
        join(dir, 'env'),
        '--out',
        join(dir, 'out'),
        '--runtime-dir',
        dir,
        ...sender,
      ],
      { encoding: 'utf8' },
    );
    return {
      code: r.status,
      reason: r.stdout.trim(),
      payload: r.status === 0 ? readFileSync(join(dir, 'out')) : undefined,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('guest/linux agent crypto against the v3 test vectors', function () {
  this.timeout(60_000);
  for (const v of VECTORS.cases) {
    it(`opens vector ${v.name} to the exact payload`, () => {
      const r = open(v.envelope, v.hello);
      expect(r.code).to.equal(0);
      expect(r.payload!.toString('base64')).to.equal(v.payload_base64);
    });
  }

  const v = VECTORS.cases.find((c) => c.name === 'full')!;
  const other = VECTORS.cases.find((c) => c.name === 'minimal')!;
  const lines = v.envelope.split('\n');
  const flip = (s: string, i: number): string => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  const spkiB64 = (curve: string): string =>
    generateKeyPairSync('ec', { namedCurve: curve })
      .publicKey.export({ type: 'spki', format: 'der' })
      .toString('base64');
  const withLine = (i: number, line: string): string => lines.map((l, k) => (k === i ? line : l)).join('\n');
  const foreignHello = v.hello.replace(` ${v.vm_id} `, ' 11111111-2222-3333-4444-555555555555 ');
  const cases: [string, string, string, string][] = [
    ['a flipped ciphertext byte', withLine(6, flip(lines[6]!, 40)), v.hello, 'envelope_mac'],
    [
      'a flipped MAC',
      withLine(7, lines[7]!.slice(0, -1) + (lines[7]!.endsWith('0') ? '1' : '0')),
      v.hello,
      'envelope_mac',
    ],
    ['an envelope key on another curve', withLine(5, `epk ${spkiB64('secp384r1')}`), v.hello, 'envelope_key_agreement'],
    [
      'an envelope key substituted by another P-256 key',
      withLine(5, `epk ${spkiB64('prime256v1')}`),
      v.hello,
      'envelope_mac',
    ],
    [
      'an envelope for another hello of the same attempt (transcript in the KDF)',
      v.envelope,
      v.hello.replace(/ \S+$/, ' MEUCIQ=='),
      'envelope_mac',
    ],
    ['truncation', v.envelope.slice(0, 700), v.hello, 'envelope_format'],
    ['reordered lines', [lines[0], lines[2], lines[1], ...lines.slice(3)].join('\n'), v.hello, 'envelope_format'],
    ['a replay from another attempt', other.envelope, v.hello, 'envelope_attempt'],
    [
      'a replay with the attempt line edited',
      withLine(2, `attempt ${other.attempt}`),
      other.hello,
      'envelope_challenge',
    ],
    ['foreign data (another VM)', v.envelope, foreignHello, 'envelope_vm_id'],
    [
      'another protocol version',
      v.envelope.replace('virtseal-envelope 3', 'virtseal-envelope 4'),
      v.hello,
      'envelope_version',
    ],
    [
      'an edited vm line (MAC covers it)',
      v.envelope.replace(`vm ${v.vm_id}`, 'vm 11111111-2222-3333-4444-555555555555'),
      foreignHello,
      'envelope_mac',
    ],
  ];
  for (const [what, text, hello, reason] of cases) {
    it(`refuses ${what} with ${reason}`, () => {
      const r = open(text, hello);
      expect(r.code).to.equal(3);
      expect(r.reason).to.equal(reason);
    });
  }

  describe('with a pinned sender key (--sender-key)', () => {
    const pin = (signature?: string): string[] => [
      '--sender-key',
      SENDER_PUBLIC_PEM,
      ...(signature === undefined ? [] : ['--signature', signature]),
    ];
    for (const c of VECTORS.cases) {
      it(`opens vector ${c.name} with its recorded sender signature`, () => {
        const r = open(c.envelope, c.hello, pin(c.sender_signature));
        expect(r.code, r.reason).to.equal(0);
        expect(r.payload!.toString('base64')).to.equal(c.payload_base64);
      });
    }
    const forged = `${v.attempt} ${execFileSync('openssl', ['dgst', '-sha256', '-sign', KEY_PATHS.guestSig], {
      input: senderSignedText(v.hello, v.envelope),
    }).toString('base64')}`;
    const refusals: [string, string, string | undefined][] = [
      ['an unsigned envelope (valid by v3 otherwise)', v.envelope, undefined],
      ['an envelope signed by another key', v.envelope, forged],
      ['a signature of another attempt', v.envelope, other.sender_signature],
      [
        'a signature for this attempt taken from another envelope',
        v.envelope,
        `${v.attempt} ${other.sender_signature.split(' ')[1]}`,
      ],
      ['a signed envelope with a flipped ciphertext byte', withLine(6, flip(lines[6]!, 40)), v.sender_signature],
    ];
    for (const [what, text, signature] of refusals) {
      it(`refuses ${what} with envelope_signature`, () => {
        const r = open(text, v.hello, pin(signature));
        expect(r.code).to.equal(3);
        expect(r.reason).to.equal('envelope_signature');
      });
    }
  });
});
