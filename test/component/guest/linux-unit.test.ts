import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const UNIT = 'src/guest/linux/virtseal-agent.service';
const unit = readFileSync(UNIT, 'utf8');

describe('guest/linux systemd unit', function () {
  this.timeout(60_000);
  it('runs only where a transport exists (Hyper-V KVP or the QEMU guest agent port) and not after success', () => {
    expect(unit).to.match(/^ConditionPathExists=\|\/dev\/vmbus\/hv_kvp$/m);
    expect(unit).to.match(/^ConditionPathExists=\|\/dev\/virtio-ports\/org\.qemu\.guest_agent\.0$/m);
    expect(unit).to.match(/^ConditionPathExists=!\/var\/lib\/virtseal\/applied$/m);
    expect(unit).to.match(/^RuntimeDirectory=virtseal$/m);
  });

  it('keeps the ephemeral keys and payload out of swap and core dumps', () => {
    expect(unit).to.match(/^MemorySwapMax=0$/m);
    expect(unit).to.match(/^LimitCORE=0$/m);
  });

  it('passes only options the agent knows, with the runtime dir on the unit tmpfs', () => {
    const exec = /^ExecStart=(\S+) run (.*)$/m.exec(unit)!;
    const agent = readFileSync('src/guest/linux/virtseal-agent', 'utf8');
    for (const flag of exec[2]!.match(/--[a-z-]+/g)!) expect(agent).to.contain(`    ${flag})`);
    expect(exec[2])
      .to.contain('--runtime-dir /run/virtseal')
      .and.contain('--kvp-dir auto')
      .and.contain('--self-remove');
  });

  it('systemd-analyze verify accepts it without a warning', function () {
    const probe = spawnSync('systemd-analyze', ['--version']);
    if (probe.error) {
      console.log('      skipped: systemd-analyze is not installed on this machine (package systemd)');
      this.skip();
    }
    const dir = mkdtempSync(join(tmpdir(), 'virtseal-unit-'));
    try {
      const file = join(dir, 'virtseal-agent.service');
      writeFileSync(file, unit.replace('/usr/local/sbin/virtseal-agent', resolve('src/guest/linux/virtseal-agent')));
      const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stderr.trim()).to.equal('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
