import { AsyncLocalStorage } from "node:async_hooks";

/** A registry said "too many requests, come back at `until`", and the copy is waiting for it. */
export interface RateLimitNotice {
  registry: string;
  until: Date;
}

type Listener = (notice: RateLimitNotice | undefined) => void;

// Retries happen deep in the wire (RegistryClient, transferBlob) with no idea which image they
// serve; the image's copy sets the listener around its work and every wait under it reports there.
const listeners = new AsyncLocalStorage<Listener>();

/** Runs `work` with `listener` told of each rate-limit wait under it (and `undefined` when it ends). */
export function reportingRateLimits<T>(listener: Listener, work: () => Promise<T>): Promise<T> {
  return listeners.run(listener, work);
}

export function noticeRateLimit(notice: RateLimitNotice | undefined): void {
  try {
    listeners.getStore()?.(notice);
  } catch {
    // Reporting must not break a copy.
  }
}
