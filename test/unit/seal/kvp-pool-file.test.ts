import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgument } from '../../../src/core/errors';
import {
  decodePool,
  encodePool,
  poolFileChannel,
  poolPath,
  readPool,
  readPoolMap,
  RECORD_BYTES,
  removePoolItems,
  upsertPoolItems,
} from '../../../src/seal/kvp-pool-file';

describe('seal/kvp-pool-file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'virtseal-pool-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('encodes 2,560-byte NUL-padded records (512 key + 2,048 value) and decodes them back', () => {
    const bytes = encodePool([
      ['a', 'b'],
      ['ключ', 'значение 🔑'],
    ]);
    expect(bytes.length).to.equal(2 * RECORD_BYTES);
    expect(bytes[1]).to.equal(0);
    expect(bytes.subarray(512, 513).toString()).to.equal('b');
    expect(decodePool(bytes)).to.deep.equal([
      ['a', 'b'],
      ['ключ', 'значение 🔑'],
    ]);
  });

  it('refuses keys and values that do not fit a record', () => {
    expect(() => encodePool([['k'.repeat(512), 'v']])).to.throw(InvalidArgument);
    expect(() => encodePool([['k', 'v'.repeat(2048)]])).to.throw(InvalidArgument);
  });

  it('updates a key in place (same inode, first record), keeps foreign records and ignores a trailing partial record', () => {
    const p = join(dir, '.kvp_pool_0');
    writeFileSync(
      p,
      Buffer.concat([
        encodePool([
          ['x', '1'],
          ['other', 'keep'],
          ['x', 'dup'],
        ]),
        Buffer.alloc(100, 65),
      ]),
    );
    const inode = statSync(p).ino;
    upsertPoolItems(p, [
      ['x', '2'],
      ['new', 'n'],
    ]);
    expect(readPool(p)).to.deep.equal([
      ['x', '2'],
      ['other', 'keep'],
      ['new', 'n'],
    ]);
    expect(statSync(p).ino).to.equal(inode);
    removePoolItems(p, ['x']);
    expect(readPool(p)).to.deep.equal([
      ['other', 'keep'],
      ['new', 'n'],
    ]);
    expect(readFileSync(p).length).to.equal(2 * RECORD_BYTES);
  });

  it('first record of a key wins on read', () => {
    const p = join(dir, 'p');
    writeFileSync(
      p,
      encodePool([
        ['k', 'first'],
        ['k', 'second'],
      ]),
    );
    expect(readPoolMap(p).get('k')).to.equal('first');
  });

  it('poolFileChannel writes pool 0, reads pool 1 and enforces 128 items per call', async () => {
    const ch = poolFileChannel(dir);
    await ch.writeHostItems([['h', 'v']]);
    writeFileSync(poolPath(dir, 1), encodePool([['g', 'w']]));
    expect(readPoolMap(poolPath(dir, 0)).get('h')).to.equal('v');
    expect((await ch.readGuestItems()).get('g')).to.equal('w');
    expect(await ch.listHostItems()).to.deep.equal(['h']);
    await ch.removeHostItems(['h']);
    expect(await ch.listHostItems()).to.deep.equal([]);
    const many = Array.from({ length: 129 }, (_, i) => [`k${i}`, 'v'] as const);
    let err: unknown;
    await ch.writeHostItems(many).catch((e) => (err = e));
    expect(err).to.be.instanceOf(RangeError);
  });
});
