import { expect } from 'chai';
import { InvalidArgument } from '../../../src/core/errors';
import { gibibytes } from '../../../src/core/units';
import { vmDesiredFromOptions, vmSpecFor } from '../../../src/services/vm-desired';

describe('services/vm-desired', () => {
  it('turns module options into a VM spec with creation defaults', () => {
    const spec = vmSpecFor(
      vmDesiredFromOptions({ name: 'web01', image: 'deb', os_disk_size_gb: 40, nics: [{ network: 'LAN' }] }),
    );
    expect(spec).to.deep.include({ name: 'web01', generation: 2, cpuCount: 2 });
    expect(spec.memory).to.deep.equal({ startupMb: 2048, dynamic: false });
    expect(spec.disks).to.deep.equal([{ name: 'os', image: 'deb', clone: 'differencing', sizeBytes: gibibytes(40) }]);
    expect(spec.nics).to.deep.equal([{ name: 'nic0', network: 'LAN' }]);
  });

  it('converts seconds to milliseconds at the edge', () => {
    const d = vmDesiredFromOptions({ name: 'a', shutdown_timeout: 30, wait_timeout: 90 });
    expect([d.shutdownTimeoutMs, d.waitTimeoutMs]).to.deep.equal([30_000, 90_000]);
  });

  for (const [name, options, option] of [
    ['duplicate disk', { name: 'a', image: 'x', disks: [{ name: 'os', size_gb: 1 }] }, 'disks[0].name'],
    ['disk without source', { name: 'a', disks: [{ name: 'd' }] }, 'disks[0]'],
    [
      'duplicate NIC',
      {
        name: 'a',
        nics: [
          { name: 'n', network: 'A' },
          { name: 'n', network: 'B' },
        ],
      },
      'nics[1].name',
    ],
    ['os size without image', { name: 'a', os_disk_size_gb: 10 }, 'os_disk_size_gb'],
    ['min above max', { name: 'a', dynamic_memory: true, memory_min_mb: 4096, memory_max_mb: 1024 }, 'memory_min_mb'],
  ] as const) {
    it(`rejects ${name} naming the option`, () => {
      expect(() => vmDesiredFromOptions(options as never))
        .to.throw(InvalidArgument)
        .with.property('option', option);
    });
  }
});
