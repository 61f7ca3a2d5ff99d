import { expect } from 'chai';
import { Readable } from 'node:stream';
import { HostUnreachable } from '../../../src/core/errors';
import { LocalRunner } from '../../../src/transport/local-exec';
import { HOSTILE } from '../../unit/drivers/libvirt/fake-host';

describe('transport/local-exec', () => {
  const runner = new LocalRunner();

  it('passes every argument as one word, with no shell in between', async () => {
    const r = await runner.run(['printf', '%s\\0', ...HOSTILE]);
    expect(r.code).to.equal(0);
    expect(r.stdout.split('\0').slice(0, -1)).to.deep.equal(HOSTILE);
  });

  it('feeds stdin from a string, a buffer or a stream', async () => {
    expect((await runner.run(['cat'], { stdin: 'secret-canary' })).stdout).to.equal('secret-canary');
    expect((await runner.run(['cat'], { stdin: Buffer.from([1, 2, 3]) })).stdout).to.equal('\x01\x02\x03');
    expect((await runner.run(['wc', '-c'], { stdin: Readable.from([Buffer.alloc(70_000)]) })).stdout.trim()).to.equal(
      '70000',
    );
  });

  it('returns a non-zero exit code and stderr instead of throwing', async () => {
    const r = await runner.run(['sh', '-c', 'echo oops >&2; exit 3']);
    expect(r).to.deep.equal({ code: 3, stdout: '', stderr: 'oops\n' });
  });

  it('throws HostUnreachable when the program does not exist', async () => {
    const err = await runner.run(['/nonexistent/virsh']).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(HostUnreachable);
  });
});
