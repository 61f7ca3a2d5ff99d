// generated — do not edit. Source: src/schemas/fragments/connection.schema.json; regenerate with `npm run generate`.
/* eslint-disable */

export interface ConnectionOptions {
  /**
   * Name or address of the hypervisor host, optionally with the SSH port (hv01.example.com:2222, [2001:db8::5]:22). Falls back to the VIRTSEAL_HOST environment variable.
   */
  host?: string;
  /**
   * SSH port of the hypervisor host. Falls back to VIRTSEAL_HOST_PORT, then 22.
   */
  port?: number;
  /**
   * SSH user on the hypervisor host (a Hyper-V administrator). Falls back to VIRTSEAL_HOST_USER.
   */
  user?: string;
  /**
   * SSH password. Falls back to VIRTSEAL_HOST_PASSWORD. Never logged or returned.
   */
  password?: string;
  /**
   * SSH private key text (OpenSSH or PEM). Falls back to VIRTSEAL_HOST_PRIVATE_KEY. Never logged or returned.
   */
  private_key?: string;
  /**
   * Path on the controller of an SSH private key file, instead of I(private_key).
   */
  private_key_file?: string;
  /**
   * Passphrase of the private key. Falls back to VIRTSEAL_HOST_PRIVATE_KEY_PASSPHRASE. Never logged or returned.
   */
  private_key_passphrase?: string;
  /**
   * Pinned SSH host key fingerprint, SHA256:<base64> as printed by ssh-keygen -lf. Falls back to VIRTSEAL_HOST_KEY_FINGERPRINT.
   */
  host_key_fingerprint?: string;
  /**
   * known_hosts file to check the host key against when no fingerprint is pinned. Falls back to VIRTSEAL_HOST_KNOWN_HOSTS.
   */
  known_hosts?: string;
  /**
   * Accept a host key that is neither pinned nor in I(known_hosts). Only for lab hosts: it allows a man in the middle.
   */
  accept_unknown_host_key?: boolean;
  /**
   * Kind of hypervisor on the host. Falls back to VIRTSEAL_HOST_HYPERVISOR.
   */
  hypervisor?: 'hyperv' | 'libvirt' | 'xen';
  /**
   * Xen only: URL of the pool master's XAPI, https://<master>[:port]. Default https://I(host). A pool member redirects to the master. Falls back to VIRTSEAL_HOST_XAPI_URL.
   */
  xapi_url?: string;
  /**
   * Xen only: SHA-256 fingerprint of the pool master's TLS certificate (openssl x509 -noout -fingerprint -sha256). This or I(xapi_ca_file) is required. Falls back to VIRTSEAL_HOST_XAPI_FINGERPRINT.
   */
  xapi_fingerprint?: string;
  /**
   * Xen only: PEM file on the controller of the CA (or the self-signed certificate) the pool master's certificate must chain to.
   */
  xapi_ca_file?: string;
  /**
   * Xen only: storage repository (name label or uuid) for images and new disks. Default: the pool's default SR.
   */
  xapi_sr?: string;
  /**
   * libvirt connection URI on the host (libvirt only). Default qemu:///system.
   */
  libvirt_uri?: string;
  /**
   * Folder on the host that holds the published images (the image library). Falls back to VIRTSEAL_HOST_IMAGE_LIBRARY, then the driver default (C:\ProgramData\virtseal\images on Hyper-V).
   */
  image_library_path?: string;
  /**
   * Seconds to wait for the SSH connection to the host.
   */
  connect_timeout?: number;
}
