// generated — do not edit. Source: src/schemas/*.schema.json; regenerate with `npm run generate`.
import ping from '../schemas/ping.schema.json';

/** Every module schema by module name (raw; resolve with resolveSchema). */
export const moduleSchemas: Readonly<Record<string, object>> = {
  ping,
};
