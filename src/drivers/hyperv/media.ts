/** The provisioning ISO in the VM's DVD drive. */
import { InvalidArgument } from '../../core/errors';
import type { MediaDriver } from '../types';
import { assertVmId, type HyperVSession } from './session';

export class HyperVMediaDriver implements MediaDriver {
  constructor(private readonly session: HyperVSession) {}

  async attachIso(options: { readonly vmId: string; readonly path: string }): Promise<void> {
    if (!/^[A-Za-z]:\\|^\\\\/.test(options.path))
      throw new InvalidArgument('iso path must be an absolute Windows path on the host', 'path');
    await this.session.run('dvd-set', { Id: assertVmId(options.vmId, 'vmId'), Path: options.path });
  }

  async detachIso(options: { readonly vmId: string }): Promise<void> {
    await this.session.run('dvd-set', { Id: assertVmId(options.vmId, 'vmId'), Path: '' });
  }
}
