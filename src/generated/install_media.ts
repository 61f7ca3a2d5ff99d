// generated — do not edit. Source: src/schemas/install_media.schema.json; regenerate with `npm run generate`.
/* eslint-disable */

import type {ConnectionOptions} from './fragment-connection';

/**
 * Options of virtseal.core.install_media.
 */
export interface InstallMediaOptions extends Pick<ConnectionOptions, 'host' | 'port' | 'user' | 'password' | 'private_key' | 'private_key_file' | 'private_key_passphrase' | 'host_key_fingerprint' | 'known_hosts' | 'accept_unknown_host_key' | 'hypervisor' | 'libvirt_uri' | 'image_library_path' | 'connect_timeout'> {
  /**
   * Which installer reads the answers: C(preseed) (Debian/Ubuntu debian-installer), C(kickstart) (RHEL-like Anaconda) or C(autoinstall) (Ubuntu Subiquity, cloud-init NoCloud).
   */
  installer: 'preseed' | 'kickstart' | 'autoinstall';
  /**
   * The non-secret part of guest_config, checked by the same rules. Secrets (the admin password, keys, join credentials) are not accepted: they arrive through the sealed exchange at first boot.
   */
  config: {
    /**
     * Host name (one DNS label, 1-63 characters; at most 15 when joining a Windows domain).
     */
    hostname?: string;
    /**
     * DNS domain of the guest; the FQDN is hostname.domain.
     */
    domain?: string;
    /**
     * Time zone as an IANA name (Europe/Berlin, UTC). Windows guests map it to a Windows time zone id.
     */
    timezone?: string;
    /**
     * Per-NIC network settings, matched by MAC address (MAC may be omitted when there is only one NIC). A NIC without addresses uses DHCP.
     *
     * Items: Settings of one network interface.
     */
    nics?: {
      /**
       * MAC address that identifies the NIC (00:15:5d:01:02:03). Required when more than one NIC is configured; a single NIC without one is bound to the VM's only network adapter by its MAC when the exchange starts.
       */
      mac?: string;
      /**
       * Use DHCP for IPv4 (default when no ipv4_address is given).
       */
      dhcp4?: boolean;
      /**
       * Static IPv4 address with prefix length, CIDR notation (192.0.2.10/24).
       */
      ipv4_address?: string;
      /**
       * IPv4 default gateway; must lie inside the ipv4_address subnet.
       */
      ipv4_gateway?: string;
      /**
       * Use DHCPv6/SLAAC for IPv6.
       */
      dhcp6?: boolean;
      /**
       * Static IPv6 address with prefix length (2001:db8::10/64).
       */
      ipv6_address?: string;
      /**
       * IPv6 default gateway; inside the ipv6_address subnet or link-local (fe80::/10).
       */
      ipv6_gateway?: string;
      /**
       * DNS server addresses (IPv4 or IPv6).
       *
       * Items: One DNS server address.
       */
      dns_servers?: string[];
      /**
       * DNS search domains.
       *
       * Items: One search domain.
       */
      search_domains?: string[];
    }[];
    /**
     * The local administrator: only its name; its password and keys arrive through the sealed exchange.
     */
    admin?: {
      /**
       * Account name.
       */
      name: string;
    };
  };
  /**
   * Path on the controller where the seed is written: for C(preseed) a gzip'd cpio to append to the installer's initrd (cat initrd.gz seed > initrd), for C(kickstart) an ISO labelled C(OEMDRV), for C(autoinstall) an ISO labelled C(cidata).
   */
  dest: string;
  /**
   * PEM public key (SubjectPublicKeyInfo) of the controller's sender key to pin in the installed system (C(/etc/virtseal/sender-key.pem)): its agent then opens only envelopes signed with guest_config's C(sender_key). Not a secret.
   */
  sender_public_key?: string;
  /**
   * Attach the seed ISO (kickstart, autoinstall) to this VM's DVD drive. Needs C(media_path).
   */
  vm?: string;
  /**
   * Path of the seed ISO as the hypervisor host sees it (a copy of C(dest) on the host), attached to C(vm).
   */
  media_path?: string;
}
