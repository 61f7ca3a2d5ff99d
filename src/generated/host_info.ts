// generated — do not edit. Source: src/schemas/host_info.schema.json; regenerate with `npm run generate`.
/* eslint-disable */

import type {ConnectionOptions} from './fragment-connection';

/**
 * Options of virtseal.core.host_info.
 */
export interface HostInfoOptions extends Pick<ConnectionOptions, 'host' | 'port' | 'user' | 'password' | 'private_key' | 'private_key_file' | 'private_key_passphrase' | 'host_key_fingerprint' | 'known_hosts' | 'accept_unknown_host_key' | 'hypervisor' | 'libvirt_uri' | 'image_library_path' | 'connect_timeout'> {}
