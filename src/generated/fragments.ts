// generated — do not edit. Source: src/schemas/fragments/*.schema.json; regenerate with `npm run generate`.

export const fragments: Readonly<Record<string, object>> = {
};
