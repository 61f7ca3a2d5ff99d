// generated — do not edit. Source: src/schemas/fragments/*.schema.json; regenerate with `npm run generate`.
import guest_config from '../schemas/fragments/guest_config.schema.json';

export const fragments: Readonly<Record<string, object>> = {
  'guest_config': guest_config,
};
