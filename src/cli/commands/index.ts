// One line per command (merge-friendly); the CLI entry registers every export.
export { default as netbox } from './netbox';
