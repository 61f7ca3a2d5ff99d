/**
 * Quoting for POSIX shells: the remote sshd hands an exec command to the user's login shell, so an argument
 * vector must become one string the shell splits back into exactly those arguments. Every argument is single-quoted;
 * a single quote inside becomes '\'' (close, escaped quote, reopen). Nothing is ever left unquoted.
 */
import { InvalidArgument } from '../core/errors';

export function quotePosixArg(arg: string): string {
  if (arg.includes('\0'))
    throw new InvalidArgument('a command argument contains a NUL byte, which no shell can pass', 'argv');
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function quotePosixArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new InvalidArgument('an empty argument vector cannot be run', 'argv');
  return argv.map(quotePosixArg).join(' ');
}
