import { randomBytes } from 'node:crypto';
import { InvalidArgument } from '../../core/errors';

/** A random MAC in QEMU's locally administered 52:54:00 range, so every NIC has a stable key from the start. */
export function randomMac(): string {
  const b = randomBytes(3);
  return ['52', '54', '00', ...[...b].map((x) => x.toString(16).padStart(2, '0'))].join(':');
}

export function checkMac(mac: string, option: string): string {
  const normal = mac.replace(/-/g, ':').toLowerCase();
  if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(normal)) throw new InvalidArgument(`'${mac.slice(0, 40)}' is not a MAC address (aa:bb:cc:dd:ee:ff)`, option);
  if ((parseInt(normal.slice(0, 2), 16) & 1) === 1) throw new InvalidArgument(`${mac} is a multicast MAC address`, option);
  return normal;
}
