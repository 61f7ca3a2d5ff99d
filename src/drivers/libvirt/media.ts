/** The VM's DVD drive (always present, see domain-xml.ts): insert or eject an ISO. */
import type { MediaDriver } from '../types';
import { type LibvirtContext, liveFlags, readDomain } from './context';
import { buildDvdXml } from './domain-xml';

export class LibvirtMediaDriver implements MediaDriver {
  constructor(private readonly ctx: LibvirtContext) {}

  async attachIso(options: { readonly vmId: string; readonly path: string }): Promise<void> {
    await this.update(options.vmId, options.path);
  }

  async detachIso(options: { readonly vmId: string }): Promise<void> {
    await this.update(options.vmId, undefined);
  }

  private async update(vmId: string, iso: string | undefined): Promise<void> {
    const domain = await readDomain(this.ctx, vmId, true);
    if (domain.dvd === iso) return;
    const flags = await liveFlags(this.ctx, domain.uuid);
    await this.ctx.host.virshWithXml(
      ['update-device', `--domain=${domain.uuid}`, '--force', ...flags],
      '--file',
      buildDvdXml(iso, domain.dvdBus),
    );
  }
}
