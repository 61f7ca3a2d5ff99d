import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/app';
import { makeWorld, startAgent, type AgentWorld } from './agent-harness';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => void out.push(t), err: (t) => void err.push(t) });
  return { code, out: out.join(''), err: err.join('') };
}

describe('cli: virtseal seal (against the real Linux agent)', function () {
  this.timeout(120_000);
  let world: AgentWorld;
  beforeEach(() => (world = makeWorld()));
  afterEach(() => world.cleanup());

  it('seals the config file to the agent and prints the outcome, never the secret', async () => {
    const secret = 'Cli-Canary-4d2a';
    const file = join(world.base, 'vm.yaml');
    writeFileSync(file, `hostname: cli01\nadmin:\n  name: alice\n  password: ${secret}\n`);
    const agent = startAgent(world);
    const r = await cli([
      'seal',
      '--kvp-dir',
      world.kvpDir,
      '--vm-id',
      world.vmId,
      '--config',
      file,
      '--timeout',
      '60',
    ]);
    const done = await agent.done;
    expect(r.code, r.err).to.equal(0);
    expect(done.code).to.equal(0);
    expect(JSON.parse(r.out)).to.include({ protocol: 'v3', state: 'applied' });
    expect(r.out + r.err + done.stderr).to.not.contain(secret);
  });

  it('bad config gives one clear line naming the field', async () => {
    const file = join(world.base, 'bad.yaml');
    writeFileSync(file, 'hostname: cli01\nnics:\n  - ipv4_address: 10.0.0.5/24\n    ipv4_gateway: 10.0.1.1\n');
    const r = await cli(['seal', '--kvp-dir', world.kvpDir, '--vm-id', world.vmId, '--config', file, '--timeout', '5']);
    expect(r.code).to.equal(2);
    expect(r.err.trim().split('\n')).to.have.length(1);
    expect(r.err).to.contain('guest_config.nics[0].ipv4_gateway').and.contain('outside the subnet');
  });

  it('--sender-key signs for an agent that pins the key; a key that is not P-256 is one line naming the option', async () => {
    const file = join(world.base, 'vm.yaml');
    writeFileSync(file, 'hostname: cli02\n');
    const key = join(world.base, 'sender.pem');
    writeFileSync(key, readFileSync('test/vectors/v3-sender.pem'));
    mkdirSync(join(world.root, 'etc/virtseal'), { recursive: true });
    writeFileSync(join(world.root, 'etc/virtseal/sender-key.pem'), readFileSync('test/vectors/v3-sender.pub.pem'));
    const agent = startAgent(world);
    const base = ['seal', '--kvp-dir', world.kvpDir, '--vm-id', world.vmId, '--config', file, '--timeout', '60'];
    const r = await cli([...base, '--sender-key', key]);
    const done = await agent.done;
    expect(r.code, r.err).to.equal(0);
    expect(done.stderr).to.match(/sender key pinned/);
    expect(JSON.parse(r.out)).to.include({ state: 'applied' });
    writeFileSync(key, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const bad = await cli([...base, '--sender-key', key]);
    expect(bad.code).to.equal(2);
    expect(bad.err.trim()).to.equal('virtseal: --sender-key: the sender key must be an EC P-256 (prime256v1) key');
  });
});
