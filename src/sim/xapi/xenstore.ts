/**
 * An in-memory xenstore with the rules the fake XAPI's guests meet on a real one (Xen's docs/misc/xenstore.txt and
 * oxenstored's defaults, confirmed on Xen 4.17 with oxenstored): permissions as a list whose first entry names the
 * owner and everyone else's access; a node a guest creates is owned by that guest, one dom0 creates inherits its
 * parent's permissions; values of at most 2,048 bytes; at most 1,000 nodes owned by one guest; a request larger
 * than 4,096 bytes drops the connection; path characters `[A-Za-z0-9-/_@]`. Errors carry the errno names
 * xenstored returns (EACCES, ENOENT, E2BIG, EQUOTA, EINVAL).
 */
export type Perm = 'n' | 'r' | 'w' | 'b';
export interface PermEntry {
  readonly domid: number;
  readonly perm: Perm;
}

export const XS_MAX_VALUE = 2048;
export const XS_MAX_NODES_PER_DOMAIN = 1000;
export const XS_MAX_MESSAGE = 4096;

export class XenstoreError extends Error {
  constructor(
    readonly errno: 'EACCES' | 'ENOENT' | 'E2BIG' | 'EQUOTA' | 'EINVAL' | 'ECONNRESET',
    path: string,
  ) {
    super(`${errno} ${path}`);
  }
}

interface Node {
  value: string;
  perms: PermEntry[];
  children: Map<string, Node>;
}

const PATH_OK = /^[A-Za-z0-9\-/_@]+$/;

export class Xenstore {
  private root: Node = { value: '', perms: [{ domid: 0, perm: 'n' }], children: new Map() };
  private readonly watchers = new Set<(path: string, domid: number) => void>();

  /** Called after every change with the absolute path changed and the domain that changed it. */
  onChange(fn: (path: string, domid: number) => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  /** Absolute path of `path` as domain `domid` sees it (relative paths live under /local/domain/<domid>). */
  static resolve(domid: number, path: string): string {
    const abs = path.startsWith('/') ? path : `/local/domain/${domid}/${path}`;
    return abs.replace(/\/+$/, '') || '/';
  }

  private check(path: string, requestBytes = 0): string[] {
    if (!PATH_OK.test(path) || path.includes('//')) throw new XenstoreError('EINVAL', path);
    if (requestBytes + path.length > XS_MAX_MESSAGE) throw new XenstoreError('ECONNRESET', path);
    return path.split('/').filter(Boolean);
  }

  private node(parts: readonly string[]): Node | undefined {
    let n: Node | undefined = this.root;
    for (const p of parts) {
      n = n.children.get(p);
      if (!n) return undefined;
    }
    return n;
  }

  private can(n: Node, domid: number, need: 'r' | 'w'): boolean {
    if (domid === 0) return true;
    const [owner, ...acl] = n.perms;
    if (owner!.domid === domid) return true;
    const entry = acl.find((e) => e.domid === domid) ?? owner!;
    return entry.perm === 'b' || entry.perm === need;
  }

  read(domid: number, path: string): string {
    const abs = Xenstore.resolve(domid, path);
    const n = this.node(this.check(abs));
    if (!n) throw new XenstoreError('ENOENT', abs);
    if (!this.can(n, domid, 'r')) throw new XenstoreError('EACCES', abs);
    return n.value;
  }

  exists(domid: number, path: string): boolean {
    try {
      this.read(domid, path);
      return true;
    } catch {
      return false;
    }
  }

  list(domid: number, path: string): string[] {
    const abs = Xenstore.resolve(domid, path);
    const n = this.node(this.check(abs));
    if (!n) throw new XenstoreError('ENOENT', abs);
    if (!this.can(n, domid, 'r')) throw new XenstoreError('EACCES', abs);
    return [...n.children.keys()];
  }

  perms(domid: number, path: string): PermEntry[] {
    const abs = Xenstore.resolve(domid, path);
    const n = this.node(this.check(abs));
    if (!n) throw new XenstoreError('ENOENT', abs);
    if (!this.can(n, domid, 'r')) throw new XenstoreError('EACCES', abs);
    return n.perms.map((p) => ({ ...p }));
  }

  write(domid: number, path: string, value: string): void {
    const abs = Xenstore.resolve(domid, path);
    const parts = this.check(abs, Buffer.byteLength(value));
    if (Buffer.byteLength(value) > XS_MAX_VALUE && domid !== 0) throw new XenstoreError('E2BIG', abs);
    let n = this.root;
    const created: Node[] = [];
    for (const p of parts) {
      let child = n.children.get(p);
      if (!child) {
        if (!this.can(n, domid, 'w')) throw new XenstoreError('EACCES', abs);
        // A guest owns what it creates; dom0's nodes inherit the parent's permissions.
        const perms =
          domid === 0 ? n.perms.map((e) => ({ ...e })) : [{ domid, perm: n.perms[0]!.perm }, ...n.perms.slice(1)];
        child = { value: '', perms, children: new Map() };
        created.push(child);
        n.children.set(p, child);
      }
      n = child;
    }
    if (!created.includes(n) && !this.can(n, domid, 'w')) throw new XenstoreError('EACCES', abs);
    if (domid !== 0 && this.owned(domid) > XS_MAX_NODES_PER_DOMAIN) {
      this.removeCreated(parts, created);
      throw new XenstoreError('EQUOTA', abs);
    }
    n.value = value;
    this.changed(abs, domid);
  }

  rm(domid: number, path: string): void {
    const abs = Xenstore.resolve(domid, path);
    const parts = this.check(abs);
    const parent = this.node(parts.slice(0, -1));
    const n = parent?.children.get(parts[parts.length - 1]!);
    if (!n || !parent) throw new XenstoreError('ENOENT', abs);
    if (!this.can(n, domid, 'w')) throw new XenstoreError('EACCES', abs);
    parent.children.delete(parts[parts.length - 1]!);
    this.changed(abs, domid);
  }

  setPerms(domid: number, path: string, perms: readonly PermEntry[]): void {
    const abs = Xenstore.resolve(domid, path);
    const n = this.node(this.check(abs));
    if (!n) throw new XenstoreError('ENOENT', abs);
    if (domid !== 0 && n.perms[0]!.domid !== domid) throw new XenstoreError('EACCES', abs);
    n.perms = perms.map((p) => ({ ...p }));
    this.changed(abs, domid);
  }

  /** Runs `work` atomically: on error every change is undone (a xenstore transaction that aborts). */
  transaction<T>(work: () => T): T {
    const saved = clone(this.root);
    const held = [...this.watchers];
    const fired: [string, number][] = [];
    this.watchers.clear();
    const collect = (p: string, d: number): void => void fired.push([p, d]);
    this.watchers.add(collect);
    try {
      const out = work();
      this.watchers.clear();
      for (const w of held) this.watchers.add(w);
      for (const [p, d] of fired) for (const w of held) w(p, d);
      return out;
    } catch (e) {
      this.root = saved;
      this.watchers.clear();
      for (const w of held) this.watchers.add(w);
      throw e;
    }
  }

  /** Every `[path, value]` under `path` (absolute), depth first; used by the XAPI mirrors and leak checks. */
  dump(path: string): [string, string][] {
    const n = this.node(path.split('/').filter(Boolean));
    if (!n) return [];
    const out: [string, string][] = [];
    const walk = (node: Node, at: string): void => {
      out.push([at, node.value]);
      for (const [k, c] of node.children) walk(c, `${at}/${k}`);
    };
    walk(n, path);
    return out;
  }

  private owned(domid: number): number {
    let count = 0;
    const walk = (n: Node): void => {
      if (n.perms[0]!.domid === domid) count++;
      for (const c of n.children.values()) walk(c);
    };
    walk(this.root);
    return count;
  }

  private removeCreated(parts: readonly string[], created: readonly Node[]): void {
    let n = this.root;
    for (const p of parts) {
      const child = n.children.get(p)!;
      if (created.includes(child)) {
        n.children.delete(p);
        return;
      }
      n = child;
    }
  }

  private changed(path: string, domid: number): void {
    for (const w of [...this.watchers]) w(path, domid);
  }
}

function clone(n: Node): Node {
  return {
    value: n.value,
    perms: n.perms.map((p) => ({ ...p })),
    children: new Map([...n.children].map(([k, c]) => [k, clone(c)])),
  };
}
