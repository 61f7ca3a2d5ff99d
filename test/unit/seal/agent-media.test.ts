/**
 * A guest whose agent speaks another protocol than this host side: the exchange fails at the hello with one line
 * that names this release's agent ISOs, and leaves nothing behind.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { EnvelopeRejected } from '../../../src/core/errors';
import { agentMediaFiles, agentSpeaksHostProtocol, AGENT_MEDIA_VERSION } from '../../../src/seal/agent-media';
import { HELLO_KEY, PROTOCOL_VERSION } from '../../../src/seal/constants';
import { formatHello } from '../../../src/seal/hello';
import { ROOT } from '../../../build/generate';
import { newEphemeralKey } from '../../../src/seal/crypto';
import { driveExchange, MemoryChannel } from '../../helpers/memory-guest';

const VM = '5c0ffee0-1234-4321-abcd-00155d010203';

async function exchangeWithGuestSpeaking(versions: number[]): Promise<unknown> {
  const channel = new MemoryChannel();
  const kex = newEphemeralKey();
  const sig = newEphemeralKey();
  // A well-formed, signed hello from an agent that speaks only `versions`.
  channel.guest.set(
    HELLO_KEY,
    formatHello(
      {
        versions,
        vmId: VM,
        attempt: 'a'.repeat(32),
        challenge: 'b'.repeat(64),
        kex: kex.publicKey,
        sig: sig.publicKey,
      },
      sig.privateKey,
    ),
  );
  const run = await driveExchange({ channel, vmId: VM, config: { hostname: 'web01' }, timeoutMs: 30_000 });
  expect(channel.host.size, 'no host item left').to.equal(0);
  return run;
}

describe('seal/agent-media: the agent ISO to attach when protocols differ', function () {
  this.timeout(30_000);

  it('names the ISOs of this release, whose version is the package version', () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(AGENT_MEDIA_VERSION).to.equal(version);
    expect(agentMediaFiles()).to.deep.equal({
      linux: `virtseal-linux-${version}.iso`,
      windows: `virtseal-windows-${version}.iso`,
    });
  });

  it('compares the announced versions with the host protocol', () => {
    expect(agentSpeaksHostProtocol([PROTOCOL_VERSION], PROTOCOL_VERSION)).to.equal(true);
    expect(agentSpeaksHostProtocol([1, PROTOCOL_VERSION], PROTOCOL_VERSION)).to.equal(true);
    expect(agentSpeaksHostProtocol([PROTOCOL_VERSION + 1], PROTOCOL_VERSION)).to.equal(false);
  });

  it('an agent that speaks only an older protocol fails the exchange with one line naming the ISO', async () => {
    const err = await exchangeWithGuestSpeaking([PROTOCOL_VERSION - 1]);
    expect(err).to.be.instanceOf(EnvelopeRejected);
    const msg = (err as Error).message;
    expect(msg.split('\n')).to.have.length(1);
    const iso = agentMediaFiles();
    expect(msg).to.equal(
      `the guest agent speaks protocol ${PROTOCOL_VERSION - 1} but this host side speaks ${PROTOCOL_VERSION}: attach ${iso.linux} (Linux) or ${iso.windows} (Windows) ` +
        "with guest_config's media option (publish it first with virtseal.core.image, kind: iso), or update the agent in the image",
    );
    expect((err as EnvelopeRejected).check).to.equal('version');
  });
});
