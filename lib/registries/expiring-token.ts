/** A short-lived secret and the moment it stops working. */
export interface Expiring<T> {
  value: T;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface ExpiringTokenOptions<T> {
  fetch: () => Promise<Expiring<T>>;
  /** Fetch a new one when less than this is left. */
  refreshBeforeMs: number;
  now?: () => number;
}

/**
 * Holds one short-lived token: hands out the cached one while enough of its life is left,
 * fetches a new one otherwise, and lets concurrent callers share a single fetch.
 */
export class ExpiringToken<T> {
  private current?: Expiring<T>;
  private pending?: Promise<Expiring<T>>;
  private readonly now: () => number;

  constructor(private readonly options: ExpiringTokenOptions<T>) {
    this.now = options.now ?? Date.now;
  }

  async get(signal?: AbortSignal): Promise<T> {
    if (this.current && this.current.expiresAt - this.now() > this.options.refreshBeforeMs) return this.current.value;
    this.pending ??= this.options.fetch().then(
      (fresh) => {
        this.current = fresh;
        this.pending = undefined;
        return fresh;
      },
      (error: unknown) => {
        this.pending = undefined;
        throw error;
      },
    );
    // The fetch is shared, so one caller giving up must not cancel it for the others.
    return (await abortable(this.pending, signal)).value;
  }

  expiresAt(): Date | null {
    return this.current ? new Date(this.current.expiresAt) : null;
  }
}

/**
 * Tokens shared by every openRegistry call of this process, keyed by a fingerprint of the
 * connection's credentials: a copy job and the next connection check reuse one ECR token.
 */
export class TokenCache {
  private readonly entries = new Map<string, ExpiringToken<unknown>>();

  constructor(private readonly maxEntries = 500) {}

  getOrCreate<T>(key: string, create: () => ExpiringToken<T>): ExpiringToken<T> {
    const found = this.entries.get(key) as ExpiringToken<T> | undefined;
    if (found) return found;
    const created = create();
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, created as ExpiringToken<unknown>);
    return created;
  }
}

export const sharedTokenCache = new TokenCache();

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
