// generated — do not edit. Source: src/schemas/fragments/*.schema.json; regenerate with `npm run generate`.
import connection from '../schemas/fragments/connection.schema.json';
import guest_config from '../schemas/fragments/guest_config.schema.json';
import wait from '../schemas/fragments/wait.schema.json';

export const fragments: Readonly<Record<string, object>> = {
  'connection': connection,
  'guest_config': guest_config,
  'wait': wait,
};
