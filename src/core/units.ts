/**
 * Typed units. Sizes travel as bytes (numbers below 2^53) inside virtseal and are converted only at the edge
 * (PowerShell, virsh, ansible options). Durations are plain milliseconds, named `...Ms`.
 */
declare const bytesBrand: unique symbol;

export type Bytes = number & { readonly [bytesBrand]: true };

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const bytes = (n: number): Bytes => n as Bytes;
export const mebibytes = (n: number): Bytes => (n * MiB) as Bytes;
export const gibibytes = (n: number): Bytes => (n * GiB) as Bytes;
