/**
 * The fake pool's xenstore-* tools escape as xenstore-utils' do: without -R, xenstore-read prints a line end inside
 * a value as `\n` and xenstore-write turns `\n` back into one; with -R both pass values through. A guest agent that
 * reads multi-line values without -R gets the escaped text, on the fake as on a real Xen.
 */
import { expect } from 'chai';
import { runTool, sanitiseValue, unsanitiseValue } from '../../../../src/sim/xapi/guest-xenstore';
import { Xenstore } from '../../../../src/sim/xapi/xenstore';

describe('sim/xapi guest xenstore tools: escaping as xenstore-utils', () => {
  const guest = (): Xenstore => {
    const xs = new Xenstore();
    xs.write(0, '/local/domain/5/data', '');
    xs.setPerms(0, '/local/domain/5/data', [{ domid: 5, perm: 'n' }]);
    return xs;
  };

  it('reads a multi-line value escaped without -R and raw with -R', () => {
    const xs = guest();
    xs.write(0, '/local/domain/5/data/v', 'line 1\nline\t2 \\ end\n');
    expect(runTool(xs, 5, 'xenstore-read', ['data/v']).out).to.equal('line 1\\nline\\t2 \\\\ end\\n\n');
    expect(runTool(xs, 5, 'xenstore-read', ['-R', 'data/v']).out).to.equal('line 1\nline\t2 \\ end\n');
  });

  it('unescapes what xenstore-write is given without -R, and stores it as given with -R', () => {
    const xs = guest();
    expect(runTool(xs, 5, 'xenstore-write', ['data/a', 'x\\ny\\x41\\001']).code).to.equal(0);
    expect(xs.read(5, 'data/a')).to.equal('x\nyA\u0001');
    expect(runTool(xs, 5, 'xenstore-write', ['-R', 'data/b', 'x\\ny']).code).to.equal(0);
    expect(xs.read(5, 'data/b')).to.equal('x\\ny');
  });

  it('round-trips every byte through sanitise and unsanitise', () => {
    const all = Buffer.from(Array.from({ length: 128 }, (_, i) => i)).toString('latin1');
    expect(unsanitiseValue(sanitiseValue(all))).to.equal(all);
    expect(sanitiseValue('\u0001\u001f')).to.equal('\\001\\x1f');
  });
});
