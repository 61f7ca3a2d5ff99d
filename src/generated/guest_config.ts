// generated — do not edit. Source: src/schemas/guest_config.schema.json; regenerate with `npm run generate`.
/* eslint-disable */

import type {ConnectionOptions} from './fragment-connection';

/**
 * Options of virtseal.core.guest_config.
 */
export interface GuestConfigOptions extends ConnectionOptions {
  /**
   * Name of the VM to configure.
   */
  vm: string;
  config: GuestConfig;
  /**
   * Provisioning ISO on the host to attach to the VM for the exchange (the guest agent on it) and detach afterwards. Not needed when the image already carries the agent.
   */
  media?: string;
  /**
   * Start the VM when it is off, since the guest agent runs at boot.
   */
  start?: boolean;
  /**
   * Run the exchange even when the guest already reports its configuration applied. The guest agent provisions once per VM, so a forced exchange needs an agent that was re-armed in the guest.
   */
  force?: boolean;
  /**
   * The controller's sender key: PEM text of an unencrypted ECDSA P-256 private key. Every envelope is signed with it, and guest agents whose media pin its public key open only envelopes it signed. Falls back to VIRTSEAL_SENDER_KEY (the AWX credential's sender key field). Never logged, returned or written to disk; it never reaches the hypervisor host.
   */
  sender_key?: string;
  /**
   * Seconds to wait for the guest to report applied or failed.
   */
  timeout?: number;
}
/**
 * Per-VM guest configuration delivered through the sealed exchange (encrypted to a key only the VM holds). Addresses, names, keys and password hashes are checked before the VM is touched.
 */
export interface GuestConfig {
  /**
   * Wire protocol. `v3` is virtseal's sealed exchange (fresh host challenge, signed hello, ephemeral ECDH P-256, authenticated applied record). `hlvmm-v1` speaks the older HLVMM format for existing golden images; it is weaker (no authentication, PKCS#1 v1.5, no session binding) and is used only when asked for.
   */
  protocol?: 'v3' | 'hlvmm-v1';
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
   * Local administrator account (created when missing; on Linux a member of sudo/wheel).
   */
  admin?: {
    /**
     * Account name.
     */
    name: string;
    /**
     * Password; the Linux agent hashes it with SHA-512 crypt in the guest, it is never stored in clear.
     */
    password?: string;
    /**
     * Linux only: crypt(3) hash ($6$...) used instead of a password.
     */
    password_hash?: string;
    /**
     * OpenSSH public keys allowed to log in as this account.
     *
     * Items: One OpenSSH public key line.
     */
    ssh_authorized_keys?: string[];
  };
  /**
   * Service account for Ansible: key-only login and (Linux) passwordless sudo.
   */
  ansible?: {
    /**
     * Account name.
     */
    user: string;
    /**
     * OpenSSH public keys of the Ansible controller.
     *
     * Items: One OpenSSH public key line.
     */
    ssh_authorized_keys: string[];
  };
  /**
   * Windows only: join an Active Directory domain under the new host name in the same pass as the rename.
   */
  domain_join?: {
    /**
     * DNS name of the domain to join.
     */
    domain: string;
    /**
     * Account allowed to join computers (user or DOMAIN\user or user@domain).
     */
    user: string;
    /**
     * Password of the joining account.
     */
    password: string;
    /**
     * Distinguished name of the OU for the computer account (OU=Servers,DC=example,DC=com).
     */
    ou?: string;
  };
  /**
   * Commands run once, in order, after everything else is applied (sh on Linux, PowerShell on Windows). Not secret: do not put passwords here.
   *
   * Items: One command.
   */
  run_once?: string[];
  /**
   * Linux only: cloud-init user-data passed through unchanged (text starting with #cloud-config, #! or a MIME header).
   */
  user_data?: string;
}
