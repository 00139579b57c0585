/** At most `size` tasks at once; the rest wait in arrival order. */
export interface Limiter {
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export function createLimiter(size: number): Limiter {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`a limit must be a whole number ≥ 1, got ${size}`);
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  return {
    async run(task, signal) {
      if (active >= size) {
        await new Promise<void>((resolve, reject) => {
          const start = () => {
            signal?.removeEventListener("abort", onAbort);
            active++;
            resolve();
          };
          const onAbort = () => {
            const at = waiting.indexOf(start);
            if (at >= 0) waiting.splice(at, 1);
            reject(signal?.reason);
          };
          if (signal?.aborted) return reject(signal.reason);
          signal?.addEventListener("abort", onAbort, { once: true });
          waiting.push(start);
        });
      } else {
        active++;
      }
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
