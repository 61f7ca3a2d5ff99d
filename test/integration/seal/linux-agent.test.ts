/**
 * The Node host side against the real Linux agent (sh + openssl) on pool files in a temp dir. The host writes
 * .kvp_pool_0 and reads .kvp_pool_1 through poolFileChannel: the bridge a Hyper-V host provides over WMI.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
  type Dirent,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { GuestFailed } from '../../../src/core/errors';
import type { GuestChannel } from '../../../src/drivers/types';
import type { GuestConfig } from '../../../src/seal/guest-config';
import { readGuestConfigStatus } from '../../../src/seal/guest-status';
import { runSealedExchange } from '../../../src/seal/host-exchange';
import { poolFileChannel, poolPath, readPool, readPoolMap, upsertPoolItems } from '../../../src/seal/kvp-pool-file';
import { AGENT, makeWorld, startAgent, type AgentWorld } from './agent-harness';

const CANARY = 'Canary-7c1e-Пароль-🔑';
const HOSTILE = `O'Brien a b $(touch /tmp/virtseal-pwned) "; rm -rf / \`id\` ${CANARY}`;
const adminKey = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAdminKeyForTests O'Brien $(touch /tmp/virtseal-pwned) "; rm -rf / \`id\``;
const ansibleKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAnsibleKeyForTest ansible@ctl';
const config: GuestConfig = {
  hostname: 'web01',
  domain: 'corp.example.com',
  timezone: 'Europe/Berlin',
  nics: [
    {
      mac: '00:15:5D:01:02:03',
      ipv4_address: '192.0.2.10/24',
      ipv4_gateway: '192.0.2.1',
      ipv6_address: '2001:db8::10/64',
      ipv6_gateway: 'fe80::1',
      dns_servers: ['192.0.2.53'],
      search_domains: ['corp.example.com'],
    },
  ],
  admin: { name: 'alice', password: HOSTILE, ssh_authorized_keys: [adminKey] },
  ansible: { user: 'ansible', ssh_authorized_keys: [ansibleKey] },
  domain_join: { domain: 'corp.example.com', user: 'joiner', password: CANARY },
  run_once: [
    'printf "%s\\n" "first $(id -u)" > "$VIRTSEAL_ROOT/run-once.txt"',
    'echo second >> "$VIRTSEAL_ROOT/run-once.txt"',
  ],
};

function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? allFiles(p) : e.isFile() ? [p] : [];
  });
}

/** Regular files under dir (3 levels) modified since `since`, below 4 MiB; unreadable entries are skipped. */
function recentFiles(dir: string, since: number, depth = 3): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = join(dir, e.name);
    try {
      if (e.isDirectory()) return depth > 0 ? recentFiles(p, since, depth - 1) : [];
      const st = statSync(p);
      return e.isFile() && st.mtimeMs >= since && st.size < 4 << 20 ? [p] : [];
    } catch {
      return [];
    }
  });
}

/** Watches every process command line while the exchange runs: a secret must never appear there. */
function watchCommandLines(needles: string[]): { stop(): string[] } {
  const hits: string[] = [];
  const timer = setInterval(() => {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        for (const n of needles) if (cmd.includes(n)) hits.push(cmd.replace(/\0/g, ' '));
      } catch {
        /* process ended */
      }
    }
  }, 25);
  return {
    stop: () => {
      clearInterval(timer);
      return hits;
    },
  };
}

describe('seal: Node host side against the real Linux agent', function () {
  this.timeout(120_000);
  let world: AgentWorld;
  beforeEach(() => (world = makeWorld()));
  afterEach(() => world.cleanup());

  it('full handshake, then hostname/users/keys/sudo/network/timezone/run-once are in the fake root and no secret is left', async () => {
    const logs: string[] = [];
    const startedAt = Date.now();
    // As installed: the agent removes itself and its unit from the root when done (--self-remove).
    mkdirSync(join(world.root, 'usr/local/sbin'), { recursive: true });
    mkdirSync(join(world.root, 'etc/systemd/system/multi-user.target.wants'), { recursive: true });
    copyFileSync(AGENT, join(world.root, 'usr/local/sbin/virtseal-agent'));
    copyFileSync(
      'src/guest/linux/virtseal-agent.service',
      join(world.root, 'etc/systemd/system/virtseal-agent.service'),
    );
    symlinkSync(
      '../virtseal-agent.service',
      join(world.root, 'etc/systemd/system/multi-user.target.wants/virtseal-agent.service'),
    );
    const watch = watchCommandLines([CANARY, Buffer.from(CANARY).toString('base64')]);
    const agent = startAgent(world, ['--self-remove']);
    const result = await runSealedExchange({
      channel: poolFileChannel(world.kvpDir),
      vmId: world.vmId,
      config,
      timeoutMs: 60_000,
      debug: (m) => logs.push(m),
      warn: (m) => logs.push(m),
    });
    const { code, stderr } = await agent.done;
    const cmdlineHits = watch.stop();
    expect(code, stderr).to.equal(0);
    expect(result).to.include({ protocol: 'v3', state: 'applied', attempts: 1 });

    const r = world.root;
    expect(readFileSync(join(r, 'etc/hostname'), 'utf8')).to.equal('web01\n');
    expect(readFileSync(join(r, 'etc/hosts'), 'utf8')).to.equal(
      '127.0.0.1 localhost\n127.0.1.1 web01.corp.example.com web01\n',
    );
    const shadow = readFileSync(join(r, 'etc/shadow'), 'utf8');
    const hash = /^alice:(\$6\$[^:]+):/m.exec(shadow)![1]!;
    const salt = hash.split('$')[2]!;
    expect(
      execFileSync('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], { input: HOSTILE }).toString().trim(),
    ).to.equal(hash);
    expect(shadow).to.match(/^ansible:\*:/m);
    expect(readFileSync(join(r, 'etc/group'), 'utf8')).to.match(/^sudo:x:27:alice$/m);
    const ak = join(r, 'home/alice/.ssh/authorized_keys');
    expect(readFileSync(ak, 'utf8')).to.equal(`${adminKey}\n`);
    expect(existsSync('/tmp/virtseal-pwned')).to.equal(false);
    expect(statSync(ak).mode & 0o777).to.equal(0o600);
    expect(statSync(join(r, 'home/alice/.ssh')).mode & 0o777).to.equal(0o700);
    expect(readFileSync(join(r, 'home/ansible/.ssh/authorized_keys'), 'utf8')).to.equal(`${ansibleKey}\n`);
    const sudoers = join(r, 'etc/sudoers.d/90-virtseal-ansible');
    expect(readFileSync(sudoers, 'utf8')).to.match(/^ansible ALL=\(ALL\) NOPASSWD:ALL$/m);
    expect(statSync(sudoers).mode & 0o777).to.equal(0o440);
    const seed = join(r, 'var/lib/cloud/seed/nocloud');
    expect(parse(readFileSync(join(seed, 'network-config'), 'utf8'))).to.deep.equal({
      version: 2,
      ethernets: {
        nic0: {
          match: { macaddress: '00:15:5d:01:02:03' },
          dhcp4: false,
          dhcp6: false,
          addresses: ['192.0.2.10/24', '2001:db8::10/64'],
          routes: [
            { to: '0.0.0.0/0', via: '192.0.2.1' },
            { to: '::/0', via: 'fe80::1' },
          ],
          nameservers: { addresses: ['192.0.2.53'], search: ['corp.example.com'] },
        },
      },
    });
    expect(readFileSync(join(seed, 'meta-data'), 'utf8')).to.equal(
      `instance-id: virtseal-${world.vmId.toLowerCase()}\nlocal-hostname: web01\n`,
    );
    expect(readFileSync(join(r, 'etc/cloud/cloud.cfg.d/90-virtseal.cfg'), 'utf8')).to.match(
      /fqdn: web01\.corp\.example\.com/,
    );
    expect(readlinkSync(join(r, 'etc/localtime'))).to.equal('/usr/share/zoneinfo/Europe/Berlin');
    // The datasource is pinned to the seed: a cidata volume attached later is not read (fs_label null).
    expect(parse(readFileSync(join(r, 'etc/cloud/cloud.cfg.d/90-virtseal.cfg'), 'utf8')).datasource).to.deep.equal({
      NoCloud: { fs_label: null },
    });
    // Once cloud-init ran, its final stage forgets user_data: run that script against this root.
    const forget = join(r, 'var/lib/cloud/scripts/per-instance/virtseal-forget-user-data');
    expect(statSync(forget).mode & 0o777).to.equal(0o700);
    mkdirSync(join(r, 'var/lib/cloud/instance'), { recursive: true });
    for (const f of ['user-data.txt', 'user-data.txt.i', 'cloud-config.txt', 'obj.pkl'])
      writeFileSync(join(r, 'var/lib/cloud/instance', f), 'copy');
    execFileSync('sh', ['-c', readFileSync(forget, 'utf8').replaceAll('/var/lib/cloud', `${r}/var/lib/cloud`), forget]);
    expect(readFileSync(join(seed, 'user-data'), 'utf8')).to.equal('#cloud-config\n{}\n');
    expect(readdirSync(join(r, 'var/lib/cloud/instance'))).to.deep.equal([]);
    expect(existsSync(forget)).to.equal(false);
    expect(readFileSync(join(r, 'run-once.txt'), 'utf8')).to.equal(`first ${process.getuid!()}\nsecond\n`);
    expect(existsSync('/tmp/virtseal-pwned')).to.equal(false);

    // Both sides removed what they published; the guest leaves only its non-secret "applied" marker.
    expect(readPool(poolPath(world.kvpDir, 0))).to.deep.equal([]);
    const pool1 = readPool(poolPath(world.kvpDir, 1));
    expect(pool1.map(([k]) => k)).to.deep.equal(['virtseal.applied']);
    expect(pool1[0]![1]).to.match(
      new RegExp(`^3 ${world.vmId.toLowerCase()} ${result.attempt} [0-9a-f]{32} [0-9a-f]{64} [0-9a-f]{64}$`),
    );
    expect(statSync(poolPath(world.kvpDir, 1)).mode & 0o777).to.equal(0o600);
    // The record decides idempotence: this config on this VM is applied; a rotated password or a clone is not.
    const channel = poolFileChannel(world.kvpDir);
    expect(await readGuestConfigStatus(channel, { vmId: world.vmId, config })).to.deep.equal({
      state: 'applied',
      attemptId: result.attempt,
      applied: 'this_config',
    });
    const rotated = { ...config, admin: { ...config.admin!, password: 'Rotated-Password-2' } };
    expect(await readGuestConfigStatus(channel, { vmId: world.vmId, config: rotated })).to.include({
      state: 'applied',
      applied: 'other_config',
    });
    expect(await readGuestConfigStatus(channel, { vmId: '99999999-8888-7777-6666-555555555555', config })).to.include({
      applied: 'other_vm',
    });
    expect(readdirSync(world.runtimeDir)).to.deep.equal([]);
    expect(readdirSync(world.stateDir)).to.deep.equal(['applied']);
    expect(existsSync(join(world.root, 'usr/local/sbin/virtseal-agent'))).to.equal(false);
    expect(readdirSync(join(world.root, 'etc/systemd/system'), { recursive: true })).to.deep.equal([
      'multi-user.target.wants',
    ]);

    // Canary: not in any file under the temp world (pools, state, runtime, fake root), logs, result, argv.
    const needles = [CANARY, Buffer.from(CANARY).toString('base64'), Buffer.from(CANARY).toString('hex')];
    for (const file of allFiles(world.base)) {
      const text = readFileSync(file).toString('latin1');
      for (const n of needles)
        expect(text.includes(Buffer.from(n).toString('latin1')), `${n} in ${file}`).to.equal(false);
    }
    for (const n of needles) {
      expect(stderr).to.not.contain(n);
      expect(JSON.stringify(result)).to.not.contain(n);
      expect(logs.join('\n')).to.not.contain(n);
    }
    expect(cmdlineHits).to.deep.equal([]);
    // Nor in anything written meanwhile to the system temp and tmpfs dirs (the agent's default runtime parents).
    for (const dir of [tmpdir(), '/dev/shm', '/run']) {
      for (const file of recentFiles(dir, startedAt)) {
        const text = readFileSync(file).toString('latin1');
        for (const n of needles)
          expect(text.includes(Buffer.from(n).toString('latin1')), `${n} in ${file}`).to.equal(false);
      }
    }
  });

  it('works on a bare root with only the contract flags (as a simulated VM runs it); the default tmpfs runtime dir is cleaned', async () => {
    const bare = makeWorld('0a0b0c0d-0000-0000-0000-000000000001', { bareRoot: true });
    try {
      const shmBefore = readdirSync('/dev/shm').filter((n) => n.startsWith('virtseal.'));
      const agent = startAgent(bare, [], true);
      const result = await runSealedExchange({
        channel: poolFileChannel(bare.kvpDir),
        vmId: bare.vmId,
        config,
        timeoutMs: 60_000,
      });
      const { code, stderr } = await agent.done;
      expect(code, stderr).to.equal(0);
      expect(result.state).to.equal('applied');
      expect(readFileSync(join(bare.root, 'etc/hostname'), 'utf8')).to.equal('web01\n');
      expect(readFileSync(join(bare.root, 'etc/passwd'), 'utf8'))
        .to.match(/^alice:x:/m)
        .and.match(/^ansible:x:/m);
      expect(readdirSync('/dev/shm').filter((n) => n.startsWith('virtseal.'))).to.deep.equal(shmBefore);
    } finally {
      bare.cleanup();
    }
  });

  it('survives a crash/reboot mid-way: a new attempt is sealed and finished steps are not redone', async () => {
    const channel = poolFileChannel(world.kvpDir);
    const host = runSealedExchange({ channel, vmId: world.vmId, config, timeoutMs: 90_000 });
    const first = await startAgent(world, ['--stop-after', 'admin']).done;
    expect(first.code, first.stderr).to.equal(75);
    expect(readdirSync(world.stateDir).sort()).to.deep.equal(['done.admin', 'done.hostname']);
    const second = startAgent(world);
    const result = await host;
    const { code, stderr } = await second.done;
    expect(code, stderr).to.equal(0);
    expect(result.attempts).to.equal(2);
    expect(stderr)
      .to.match(/step hostname already done \(resumed\)/)
      .and.match(/step admin already done/)
      .and.match(/applying ansible/);
    expect(readFileSync(join(world.root, 'etc/shadow'), 'utf8').match(/^alice:/gm)).to.have.length(1);
    expect(readPool(poolPath(world.kvpDir, 0))).to.deep.equal([]);
    // After applied, a further boot does nothing.
    const third = await startAgent(world).done;
    expect(third.code).to.equal(0);
    expect(third.stderr).to.match(/already applied/);
  });

  it('a tampered chunk in transit is rejected by the agent (envelope_mac), reported, and everything is removed', async () => {
    const inner = poolFileChannel(world.kvpDir);
    const tampering: GuestChannel = {
      ...inner,
      writeHostItems: (items) =>
        inner.writeHostItems(
          items.map(([k, v]) =>
            k === 'virtseal.chunk.1' ? [k, v.slice(0, 100) + (v[100] === 'A' ? 'B' : 'A') + v.slice(101)] : [k, v],
          ),
        ),
    };
    const agent = startAgent(world);
    const err = await runSealedExchange({ channel: tampering, vmId: world.vmId, config, timeoutMs: 60_000 }).catch(
      (e) => e,
    );
    const { code, stderr } = await agent.done;
    expect(err).to.be.instanceOf(GuestFailed);
    expect((err as GuestFailed).guestReason).to.equal('envelope_mac');
    expect(code).to.equal(1);
    expect(stderr).to.match(/envelope rejected: MAC does not verify/);
    expect(existsSync(join(world.root, 'etc/hostname'))).to.equal(false);
    expect(readPool(poolPath(world.kvpDir, 0))).to.deep.equal([]);
    expect(readPool(poolPath(world.kvpDir, 1))).to.deep.equal([]);
    expect(await readGuestConfigStatus(poolFileChannel(world.kvpDir))).to.deep.equal({ state: 'none' });
  });

  it('a hello from another VM than the host expects is refused as foreign (vm_id) and nothing is sealed', async () => {
    const other = makeWorld('11111111-2222-3333-4444-555555555555');
    try {
      // The host believes it talks to `other`, but the guest in `world` is a different VM.
      const agent = startAgent(world);
      const channel = poolFileChannel(world.kvpDir);
      const err = await runSealedExchange({ channel, vmId: other.vmId, config, timeoutMs: 30_000 }).catch((e) => e);
      agent.child.kill();
      await agent.done;
      expect((err as { check?: string }).check).to.equal('vm_id');
      expect(readPool(poolPath(world.kvpDir, 0))).to.deep.equal([]);
    } finally {
      other.cleanup();
    }
  });

  it('refuses a system account as admin (UID below UID_MIN, home /) and hands nothing over', async () => {
    appendFileSync(join(world.root, 'etc/passwd'), 'svc:x:998:998:service:/:/usr/sbin/nologin\n');
    const before = statSync(world.root);
    const agent = startAgent(world);
    const err = await runSealedExchange({
      channel: poolFileChannel(world.kvpDir),
      vmId: world.vmId,
      config: { ...config, admin: { name: 'svc', password: HOSTILE } },
      timeoutMs: 60_000,
    }).catch((e) => e);
    const { stderr } = await agent.done;
    expect((err as GuestFailed).guestReason).to.equal('apply_admin');
    expect(stderr).to.match(/refusing the system account svc \(UID 998 below UID_MIN\)/);
    expect(statSync(world.root).uid).to.equal(before.uid);
    expect(readFileSync(join(world.root, 'etc/group'), 'utf8')).to.not.match(/svc/);
  });

  it('never follows a symlinked .ssh: an existing user whose .ssh points at /etc gets nothing chowned there', async () => {
    appendFileSync(join(world.root, 'etc/passwd'), 'bob:x:1001:1001:bob:/home/bob:/bin/sh\n');
    mkdirSync(join(world.root, 'home/bob'), { recursive: true });
    symlinkSync(join(world.root, 'etc'), join(world.root, 'home/bob/.ssh'));
    const etcBefore = statSync(join(world.root, 'etc'));
    const agent = startAgent(world);
    const err = await runSealedExchange({
      channel: poolFileChannel(world.kvpDir),
      vmId: world.vmId,
      config: { ...config, admin: { name: 'bob', password: HOSTILE, ssh_authorized_keys: [adminKey] } },
      timeoutMs: 60_000,
    }).catch((e) => e);
    const { stderr } = await agent.done;
    expect((err as GuestFailed).guestReason).to.equal('apply_admin');
    expect(stderr).to.match(/refusing bob: \.ssh or authorized_keys is a symlink/);
    expect(statSync(join(world.root, 'etc')).uid).to.equal(etcBefore.uid);
    expect(existsSync(join(world.root, 'etc/authorized_keys'))).to.equal(false);
  });

  it('stops after 3 distinct envelopes that fail verification and reports envelope_limit (no unbounded trials)', async () => {
    // A hostile pool-0 writer: a challenge, then a new forged envelope for the agent's attempt every 50 ms.
    const pool0 = poolPath(world.kvpDir, 0);
    const challenge = 'c'.repeat(64);
    upsertPoolItems(pool0, [['virtseal.challenge', `3 ${challenge}`]]);
    const agent = startAgent(world);
    let n = 0;
    const timer = setInterval(() => {
      const guest = readPoolMap(poolPath(world.kvpDir, 1));
      if (guest.get('virtseal.status')?.startsWith('failed ')) {
        // The agent gave up: take the forged items away so it can finish (it waits for the host's cleanup).
        clearInterval(timer);
        upsertPoolItems(pool0, [['virtseal.manifest', 'gone']]);
        return;
      }
      const hello = guest.get('virtseal.hello');
      const attempt = hello?.split(' ')[2];
      if (!attempt) return;
      const epk = hello!.split(' ')[4]!;
      const env = `virtseal-envelope 3\nvm ${world.vmId.toLowerCase()}\nattempt ${attempt}\nchallenge ${challenge}\nalg ECDH-P256/SHA256-KDF/AES-256-CBC-PBKDF2/HMAC-SHA256\nepk ${epk}\ndata U2FsdGVkX1${String(n++).padStart(6, '0')}AAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nmac ${'0'.repeat(64)}\n`;
      upsertPoolItems(pool0, [
        ['virtseal.chunk.0', env],
        ['virtseal.manifest', `3 ${attempt} 1 ${env.length}`],
      ]);
    }, 50);
    const { code, stderr } = await agent.done;
    clearInterval(timer);
    expect(code).to.equal(1);
    expect(stderr).to.match(/3 different envelopes failed verification/);
    expect(stderr).to.match(/reported failed \(envelope_limit\)/);
  });

  it('withdraws a hello left by an earlier boot before anything else, and says hello only to a challenge', async () => {
    const stale = `3 ${world.vmId.toLowerCase()} ${'a'.repeat(32)} ${'c'.repeat(64)} AAAA AAAA AAAA`;
    upsertPoolItems(poolPath(world.kvpDir, 1), [['virtseal.hello', stale]]);
    const agent = startAgent(world, ['--timeout', '4']);
    // While it waits for a challenge (no host here), the pool holds no hello: the old one went first.
    let seenWhileWaiting: string | undefined | null = null;
    agent.child.stderr!.on('data', (d: Buffer) => {
      if (seenWhileWaiting === null && d.toString().includes("waiting for the host's challenge")) {
        seenWhileWaiting = readPoolMap(poolPath(world.kvpDir, 1)).get('virtseal.hello');
      }
    });
    const { code, stderr } = await agent.done;
    expect(code).to.equal(1);
    expect(stderr)
      .to.match(/waiting for the host's challenge/)
      .and.not.match(/hello published/);
    expect(seenWhileWaiting).to.equal(undefined);
  });
});
