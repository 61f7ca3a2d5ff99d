/**
 * One idiom for optional properties. An options object a function reads with `?? default` or `!== undefined` takes
 * possibly-undefined values as they are (`{ uri: settings.uri }`: undefined means absent). Where a present key with
 * an undefined value would differ from no key (spread over another object, a result, JSON, deep equality), the
 * object is built with `defined({...})`.
 */
export const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
