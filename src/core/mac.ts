/**
 * MAC addresses, one owner for their spelling: the services compare them, the seal matches a guest NIC by them, and
 * each driver writes them the way its host takes them. Canonical form: `00:15:5d:0a:0b:0c`.
 */
import { randomBytes } from 'node:crypto';

/** Six bytes, in any of `00:15:5d:0a:0b:0c`, `00-15-5D-0A-0B-0C` or `00155D0A0B0C`. */
export const isMac = (text: string): boolean => /^[0-9A-Fa-f]{2}([:-]?[0-9A-Fa-f]{2}){5}$/.test(text);

/** Hyper-V shows a dynamic MAC it has not assigned yet (before the VM's first start) as all zeros, in any notation. */
export const isUnsetMac = (mac: string): boolean => /^(00[:-]?){5}00$/.test(mac);

/** The group bit of the first byte: a NIC cannot take a multicast address. */
export const isMulticastMac = (mac: string): boolean => (parseInt(mac.replace(/[:-]/g, '').slice(0, 2), 16) & 1) === 1;

/** Any notation → `00:15:5d:0a:0b:0c`; text that is not a MAC comes back unchanged. */
export function normalizeMac(mac: string): string {
  return isMac(mac) ? mac.replace(/[:-]/g, '').toLowerCase().match(/../g)!.join(':') : mac;
}

/** `00:15:5d:01:02:03` → `00155D010203`, as Hyper-V takes it. */
export const compactMac = (mac: string): string => mac.replace(/[:-]/g, '').toUpperCase();

/** A random unicast address under a locally administered or vendor prefix (QEMU's `52:54:00` by default). */
export function randomMac(prefix = '52:54:00'): string {
  return [...prefix.split(':'), ...[...randomBytes(3)].map((x) => x.toString(16).padStart(2, '0'))].join(':');
}
