/**
 * XAPI's implicit messages (getters, setters, map and set mutators, get_by_*), answered from the database for
 * any class of the data model. Custom behaviour (side effects of a setter, create and destroy) is layered on top.
 */
import { Db } from './db';
import { FIELDS } from './model';
import { type Call, XapiFailure, type XapiState } from './state';

export type Impl = (state: XapiState, call: Call, args: readonly unknown[]) => unknown;

const copy = (r: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  JSON.parse(JSON.stringify(r)) as Record<string, unknown>;

export function implicitImpl(cls: string, name: string): Impl | undefined {
  const fields = FIELDS.get(cls)!;
  switch (name) {
    case 'get_record':
      return (s, _c, [self]) => copy(s.rec(cls, self));
    case 'get_all':
      return (s) => s.db.all(cls).map(([r]) => r);
    case 'get_all_records':
      return (s) => Object.fromEntries(s.db.all(cls).map(([r, rec]) => [r, copy(rec)]));
    case 'get_by_uuid':
      return (s, _c, [uuid]) => {
        const found = s.db.find(cls, (r) => r.uuid === uuid)[0];
        if (!found) throw new XapiFailure('UUID_INVALID', [cls, String(uuid)]);
        return found;
      };
    case 'get_by_name_label':
      return (s, _c, [label]) => s.db.find(cls, (r) => r.name_label === label);
    case 'destroy':
      return (s, _c, [self]) => {
        s.db.destroy(s.ref(cls, self));
        return '';
      };
    case 'create':
      return (s, _c, [args]) => s.db.create(cls, s.createArgs(cls, args, []), Db.newRef());
  }
  const fieldOf = (re: RegExp): string | undefined => {
    const m = re.exec(name);
    return m && fields.has(m[1]!) ? m[1]! : undefined;
  };
  const getField = fieldOf(/^get_(\w+)$/);
  if (getField !== undefined) {
    const f = getField;
    return (s, _c, [self]) => copy({ v: s.rec(cls, self)[f] }).v;
  }
  const setField = fieldOf(/^set_(\w+)$/);
  if (setField !== undefined) {
    const f = setField;
    return (s, _c, [self, value]) => {
      s.db.update(s.ref(cls, self), { [f]: value });
      return '';
    };
  }
  const addToField = fieldOf(/^add_to_(\w+)$/);
  if (addToField !== undefined) {
    const f = addToField;
    return (s, _c, [self, key, value]) => {
      const ref = s.ref(cls, self);
      const map = { ...(s.db.get(ref)![f] as Record<string, unknown>) };
      if (String(key) in map) throw new XapiFailure('MAP_DUPLICATE_KEY', [cls, f, ref, String(key)]);
      map[String(key)] = value;
      s.db.update(ref, { [f]: map });
      return '';
    };
  }
  const removeFromField = fieldOf(/^remove_from_(\w+)$/);
  if (removeFromField !== undefined) {
    const f = removeFromField;
    return (s, _c, [self, key]) => {
      const ref = s.ref(cls, self);
      const map = { ...(s.db.get(ref)![f] as Record<string, unknown>) };
      delete map[String(key)];
      s.db.update(ref, { [f]: map });
      return '';
    };
  }
  const addField = fieldOf(/^add_(\w+)$/);
  if (addField !== undefined) {
    const f = addField;
    return (s, _c, [self, value]) => {
      const ref = s.ref(cls, self);
      const set = s.db.get(ref)![f] as unknown[];
      if (!set.includes(value)) s.db.update(ref, { [f]: [...set, value] });
      return '';
    };
  }
  const removeField = fieldOf(/^remove_(\w+)$/);
  if (removeField !== undefined) {
    const f = removeField;
    return (s, _c, [self, value]) => {
      const ref = s.ref(cls, self);
      s.db.update(ref, { [f]: (s.db.get(ref)![f] as unknown[]).filter((v) => v !== value) });
      return '';
    };
  }
  return undefined;
}
