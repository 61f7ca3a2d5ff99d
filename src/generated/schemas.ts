// generated — do not edit. Source: src/schemas/*.schema.json; regenerate with `npm run generate`.
import checkpoint from '../schemas/checkpoint.schema.json';
import disk from '../schemas/disk.schema.json';
import guest_config from '../schemas/guest_config.schema.json';
import host_info from '../schemas/host_info.schema.json';
import image from '../schemas/image.schema.json';
import install_media from '../schemas/install_media.schema.json';
import nic from '../schemas/nic.schema.json';
import ping from '../schemas/ping.schema.json';
import vm from '../schemas/vm.schema.json';
import vm_console from '../schemas/vm_console.schema.json';
import vm_info from '../schemas/vm_info.schema.json';

/** Every module schema by module name (raw; resolve with resolveSchema). */
export const moduleSchemas: Readonly<Record<string, object>> = {
  checkpoint,
  disk,
  guest_config,
  host_info,
  image,
  install_media,
  nic,
  ping,
  vm,
  vm_console,
  vm_info,
};
