// generated — do not edit. Source: src/schemas/host_info.schema.json; regenerate with `npm run generate`.
/* eslint-disable */

import type {ConnectionOptions} from './fragment-connection';

/**
 * Options of virtseal.core.host_info.
 */
export interface HostInfoOptions extends ConnectionOptions {}
