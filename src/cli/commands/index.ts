// One line per command (merge-friendly). Each file default-exports a yargs CommandModule.
export { default as version } from './version';
export { default as doc } from './doc';
export { default as survey } from './survey';
export { default as netbox } from './netbox';
export { default as sim } from './sim';
export { default as seal } from './seal';
export { default as inventory } from './inventory';
export { default as console } from './console';
export { default as image } from './image';
