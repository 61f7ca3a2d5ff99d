/**
 * One-time console tokens: 256 random bits, compared in constant time, valid for one WebSocket connection and
 * for a limited time. A token is spent when its connection is accepted, so a copied URL cannot be replayed.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface TokenBookOptions {
  /** How long an unused token stays valid. Default five minutes. */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

export type TokenCheck = 'ok' | 'unknown' | 'spent' | 'expired';

interface Entry {
  readonly value: Buffer;
  readonly expiresAt: number;
  spent: boolean;
}

export class TokenBook {
  private readonly entries: Entry[] = [];
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: TokenBookOptions = {}) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  issue(): string {
    const value = randomBytes(32);
    this.entries.push({ value, expiresAt: this.now() + this.ttlMs, spent: false });
    return value.toString('base64url');
  }

  /** Looks a token up without spending it (the page load). */
  check(token: string | null | undefined): TokenCheck {
    const entry = this.find(token);
    if (entry === undefined) return 'unknown';
    if (entry.spent) return 'spent';
    if (this.now() > entry.expiresAt) return 'expired';
    return 'ok';
  }

  /** Spends a token (the WebSocket connection); only the first caller gets 'ok'. */
  spend(token: string | null | undefined): TokenCheck {
    const result = this.check(token);
    if (result === 'ok') this.find(token)!.spent = true;
    return result;
  }

  private find(token: string | null | undefined): Entry | undefined {
    if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
    const candidate = Buffer.from(token, 'base64url');
    // Every entry is compared, so the time taken does not say which one matched.
    let found: Entry | undefined;
    for (const entry of this.entries) if (timingSafeEqual(entry.value, candidate)) found = entry;
    return found;
  }
}
