import { expect } from 'chai';
import fc from 'fast-check';
import { InvalidArgument } from '../../../src/core/errors';
import { RECORD_BYTES, decodePool, encodePool, mergeItems } from '../../../src/seal/kvp-pool-file';

describe('KVP pool-file codec', () => {
  it('writes 2,560-byte records: 512-byte key, 2,048-byte value, NUL padded', () => {
    const buf = encodePool([
      ['VirtualMachineName', 'web-01'],
      ['k2', 'Привет 🙂'],
    ]);
    expect(buf.length).to.equal(2 * RECORD_BYTES);
    expect(buf.subarray(0, 18).toString()).to.equal('VirtualMachineName');
    expect(buf[18]).to.equal(0);
    expect(buf.subarray(512, 518).toString()).to.equal('web-01');
    expect(buf.subarray(518, 2560).every((b) => b === 0)).to.equal(true);
    expect(decodePool(buf)).to.deep.equal([
      ['VirtualMachineName', 'web-01'],
      ['k2', 'Привет 🙂'],
    ]);
  });

  it('round-trips any keys and values within the limits', () => {
    const text = (max: number) =>
      fc.string({ unit: 'grapheme', maxLength: max }).filter((s) => !s.includes('\0') && Buffer.byteLength(s) < max);
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.tuple(
            text(120).filter((s) => s.length > 0),
            text(500),
          ),
          { selector: ([k]) => k, maxLength: 8 },
        ),
        (items) => {
          expect(decodePool(encodePool(items))).to.deep.equal(items);
        },
      ),
    );
  });

  it('refuses keys and values that do not fit, naming the field', () => {
    expect(() => encodePool([['k'.repeat(512), 'v']]))
      .to.throw(InvalidArgument)
      .with.property('option', 'key');
    expect(() => encodePool([['k', 'v'.repeat(2048)]]))
      .to.throw(InvalidArgument)
      .with.property('option', 'value');
    expect(() => encodePool([['', 'v']])).to.throw(InvalidArgument);
    expect(() => encodePool([['k', 'a\0b']])).to.throw(InvalidArgument);
  });

  it('ignores free slots, duplicate keys after the first, and a trailing partial record', () => {
    const a = encodePool([['a', '1']]);
    const b = encodePool([['a', '2']]);
    const free = Buffer.alloc(RECORD_BYTES);
    expect(decodePool(Buffer.concat([free, a, b, Buffer.alloc(100, 65)]))).to.deep.equal([['a', '1']]);
  });

  it('replaces existing keys in place and appends new ones', () => {
    expect(
      mergeItems(
        [
          ['a', '1'],
          ['b', '2'],
        ],
        [
          ['b', '3'],
          ['c', '4'],
        ],
      ),
    ).to.deep.equal([
      ['a', '1'],
      ['b', '3'],
      ['c', '4'],
    ]);
  });
});
