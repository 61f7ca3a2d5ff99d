/** All simulated script handlers by script name (without .ps1). */
import { checkpointHandlers } from './checkpoint';
import { clusterHandlers } from './cluster';
import type { Handler } from './context';
import { diskHandlers } from './disk';
import { hostHandlers } from './host';
import { imageHandlers } from './image';
import { kvpHandlers } from './kvp';
import { mediaHandlers } from './media';
import { nicHandlers } from './nic';
import { powerHandlers } from './power';
import { vmHandlers } from './vm';

export const handlers: Readonly<Record<string, Handler>> = {
  ...hostHandlers,
  ...vmHandlers,
  ...powerHandlers,
  ...kvpHandlers,
  ...imageHandlers,
  ...diskHandlers,
  ...nicHandlers,
  ...mediaHandlers,
  ...checkpointHandlers,
  ...clusterHandlers,
};
