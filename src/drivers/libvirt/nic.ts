/** NICs on libvirt networks or host bridges (`bridge:br0`), with MAC and VLAN tag where the network supports it. */
import { Conflict, NotFound } from '../../core/errors';
import type { NicDriver, NicInfo, NicSpec } from '../types';
import { type LibvirtContext, liveFlags, readDomain } from './context';
import { type DomainNic, formatNetworkRef, parseNetworkRef } from './domain-model';
import { buildNicXml } from './domain-xml';
import { writeMetadata } from './disk';
import { checkMac, randomMac } from './mac';

export class LibvirtNicDriver implements NicDriver {
  constructor(private readonly ctx: LibvirtContext) {}

  async addNic(options: { readonly vmId: string; readonly nic: NicSpec }): Promise<NicInfo> {
    const domain = await readDomain(this.ctx, options.vmId, true);
    if (domain.nics.some((n) => n.name === options.nic.name))
      throw new Conflict(`VM '${domain.name}' already has a NIC named '${options.nic.name}'`, {
        details: { option: 'nic.name' },
      });
    const nic = toNic(options.nic);
    await this.ctx.host.virshWithXml(
      ['attach-device', `--domain=${domain.uuid}`, ...(await liveFlags(this.ctx, domain.uuid))],
      '--file',
      buildNicXml(nic),
    );
    await writeMetadata(this.ctx, { ...domain, nics: [...domain.nics, nic] });
    return toNicInfo(nic);
  }

  async removeNic(options: { readonly vmId: string; readonly name: string }): Promise<void> {
    const domain = await readDomain(this.ctx, options.vmId, true);
    const nic = domain.nics.find((n) => n.name === options.name);
    if (!nic)
      throw new NotFound(`VM '${domain.name}' has no NIC named '${options.name}'`, { details: { option: 'name' } });
    await this.ctx.host.virshWithXml(
      ['detach-device', `--domain=${domain.uuid}`, ...(await liveFlags(this.ctx, domain.uuid))],
      '--file',
      buildNicXml(nic),
    );
    await writeMetadata(this.ctx, { ...domain, nics: domain.nics.filter((n) => n !== nic) });
  }

  /** Moves a NIC to another network/VLAN in place; a new MAC means a new device (detach, attach). */
  async setNic(options: { readonly vmId: string; readonly nic: NicSpec }): Promise<NicInfo> {
    const domain = await readDomain(this.ctx, options.vmId, true);
    const old = domain.nics.find((n) => n.name === options.nic.name);
    if (!old)
      throw new NotFound(`VM '${domain.name}' has no NIC named '${options.nic.name}'`, {
        details: { option: 'nic.name' },
      });
    const wanted = toNic({
      ...options.nic,
      ...(options.nic.mac === undefined && old.mac !== undefined ? { mac: old.mac } : {}),
    });
    const nic: DomainNic = { ...wanted, staticMac: options.nic.mac !== undefined || old.staticMac };
    const flags = await liveFlags(this.ctx, domain.uuid);
    if (nic.mac === old.mac) {
      await this.ctx.host.virshWithXml(
        ['update-device', `--domain=${domain.uuid}`, ...flags],
        '--file',
        buildNicXml(nic),
      );
    } else {
      await this.ctx.host.virshWithXml(
        ['detach-device', `--domain=${domain.uuid}`, ...flags],
        '--file',
        buildNicXml(old),
      );
      await this.ctx.host.virshWithXml(
        ['attach-device', `--domain=${domain.uuid}`, ...flags],
        '--file',
        buildNicXml(nic),
      );
    }
    await writeMetadata(this.ctx, { ...domain, nics: domain.nics.map((n) => (n === old ? nic : n)) });
    return toNicInfo(nic);
  }
}

function toNic(spec: NicSpec): DomainNic {
  return {
    name: spec.name,
    ...parseNetworkRef(spec.network),
    mac: spec.mac !== undefined ? checkMac(spec.mac, 'nic.mac') : randomMac(),
    staticMac: spec.mac !== undefined,
    ...(spec.vlanId !== undefined ? { vlanId: spec.vlanId } : {}),
  };
}

function toNicInfo(nic: DomainNic): NicInfo {
  return {
    name: nic.name,
    network: formatNetworkRef(nic),
    ...(nic.vlanId !== undefined ? { vlanId: nic.vlanId } : {}),
    mac: nic.mac ?? '',
    staticMac: nic.staticMac,
    ipAddresses: [],
  };
}
