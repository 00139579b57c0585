import { normalizeScopes, scopesCover } from "./challenge";

export interface CachedToken {
  token: string;
  scopes: string[];
  /** When to stop using it: before the real expiry, so a long upload does not start on a dying token. */
  renewAt: number;
}

/** Registry tokens per scope set; a token for `pull,push` also serves a later `pull`. */
export class TokenCache {
  private readonly entries = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly now: () => number = Date.now) {}

  lookup(scopes: readonly string[]): string | undefined {
    const now = this.now();
    const exact = this.entries.get(keyOf(scopes));
    if (exact && exact.renewAt > now) return exact.token;
    for (const entry of this.entries.values()) {
      if (entry.renewAt > now && scopesCover(entry.scopes, scopes)) return entry.token;
    }
    return undefined;
  }

  /** `expiresInSeconds` as the token server said (distribution's default is 60 s when it says nothing). */
  store(scopes: readonly string[], token: string, expiresInSeconds: number, issuedAt: number = this.now()): void {
    const lifetimeMs = expiresInSeconds * 1000;
    const margin = Math.min(30_000, Math.max(0, lifetimeMs) / 4);
    this.entries.set(keyOf(scopes), {
      token,
      scopes: normalizeScopes(scopes),
      renewAt: issuedAt + lifetimeMs - margin,
    });
  }

  /** Forget a token the registry refused. */
  invalidate(token: string): void {
    for (const [key, entry] of this.entries) if (entry.token === token) this.entries.delete(key);
  }

  /** One fetch per scope set at a time: concurrent blob transfers share it. */
  async getOrFetch(scopes: readonly string[], fetch: () => Promise<string>): Promise<string> {
    const cached = this.lookup(scopes);
    if (cached) return cached;
    const key = keyOf(scopes);
    let inflight = this.pending.get(key);
    if (!inflight) {
      inflight = fetch().finally(() => this.pending.delete(key));
      this.pending.set(key, inflight);
    }
    return inflight;
  }
}

function keyOf(scopes: readonly string[]): string {
  return normalizeScopes(scopes).join(" ");
}
