/**
 * Typed units. Sizes travel as bytes (bigint-safe numbers below 2^53) and durations as milliseconds inside
 * virtseal; they are converted only at the edge (PowerShell, virsh, ansible options).
 */
declare const bytesBrand: unique symbol;
declare const msBrand: unique symbol;

export type Bytes = number & { readonly [bytesBrand]: true };
export type Millis = number & { readonly [msBrand]: true };

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const bytes = (n: number): Bytes => n as Bytes;
export const mebibytes = (n: number): Bytes => (n * MiB) as Bytes;
export const gibibytes = (n: number): Bytes => (n * GiB) as Bytes;
export const toMebibytes = (b: Bytes): number => b / MiB;
export const toGibibytes = (b: Bytes): number => b / GiB;

export const millis = (n: number): Millis => n as Millis;
export const seconds = (n: number): Millis => (n * 1000) as Millis;
export const toSeconds = (ms: Millis): number => ms / 1000;
