"use client";

import { useSyncExternalStore } from "react";

// One shared clock for every relative time on the page, so a long table sets one interval.
const TICK_MS = 30_000;
let currentNow = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (timer === undefined) {
    currentNow = Date.now();
    timer = setInterval(() => {
      currentNow = Date.now();
      for (const notify of listeners) notify();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/**
 * The current time, ticking every 30 s — or null while the server renders and the client
 * hydrates (they disagree on "now"), so callers render a fixed time first.
 */
export function useNow(): number | null {
  return useSyncExternalStore(
    subscribe,
    () => currentNow,
    () => null,
  );
}
