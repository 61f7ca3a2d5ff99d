/** The CLI's commands, one line each (merge-friendly). */
import type { CommandModule } from 'yargs';
import sim from './sim';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: readonly CommandModule<any, any>[] = [
  sim,
];
