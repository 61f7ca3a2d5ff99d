/** The MAC of a libvirt NIC: checked and spelt by core/mac, random ones in QEMU's 52:54:00 range. */
import { InvalidArgument } from '../../core/errors';
import { isMac, isMulticastMac, normalizeMac } from '../../core/mac';

export { randomMac } from '../../core/mac';

export function checkMac(mac: string, field: string): string {
  if (!isMac(mac)) throw new InvalidArgument(`'${mac.slice(0, 40)}' is not a MAC address (aa:bb:cc:dd:ee:ff)`, field);
  if (isMulticastMac(mac)) throw new InvalidArgument(`${mac} is a multicast MAC address`, field);
  return normalizeMac(mac);
}
