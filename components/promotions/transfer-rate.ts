/**
 * Rate, ETA and the throughput series for the live promotion page, computed from the
 * progress samples the page itself received (bytes done at the moment each update arrived).
 * Pure, so the maths is tested without a browser.
 */

export interface ProgressSample {
  /** When the page received the update, in ms (Date.now()). */
  at: number;
  /** Total bytes done across the promotion's images at that moment. */
  bytes: number;
}

export interface ThroughputPoint {
  at: number;
  /** Bytes per second over the smoothing window ending at `at`. */
  rate: number;
}

/** Updates arrive up to ~10 times a second; a few seconds of them smooth out bursts. */
const defaultWindowMs = 4_000;
/** Enough points for several minutes of chart at one kept sample per 250 ms. */
const maxSamples = 1_200;
const minSampleSpacingMs = 250;

/**
 * Adds a sample, dropping the oldest once the list is long. A drop in bytes (a retried
 * image starts over) starts the series again, so the rate never goes negative.
 */
export function appendSample(samples: readonly ProgressSample[], sample: ProgressSample): ProgressSample[] {
  const last = samples[samples.length - 1];
  if (last && sample.bytes < last.bytes) return [sample];
  // Replace the newest rather than add when the one before it is still recent: bursts
  // collapse into one point per interval while the series keeps its latest value.
  const previous = samples[samples.length - 2];
  const collapse = previous !== undefined && sample.at - previous.at < minSampleSpacingMs;
  const next = collapse ? [...samples.slice(0, -1), sample] : [...samples, sample];
  return next.length > maxSamples ? next.slice(next.length - maxSamples) : next;
}

/**
 * Bytes per second over the last `windowMs` before `now`: null until two samples exist.
 * With no sample inside the window (the copy stalled or finished) the rate is 0.
 */
export function transferRate(
  samples: readonly ProgressSample[],
  now: number,
  windowMs = defaultWindowMs,
): number | null {
  if (samples.length < 2) return null;
  const last = samples[samples.length - 1]!;
  if (now - last.at > windowMs) return 0;
  const from = now - windowMs;
  let first = samples[0]!;
  for (const sample of samples) {
    if (sample.at >= from) break;
    first = sample;
  }
  const seconds = (Math.max(now, last.at) - first.at) / 1000;
  if (seconds <= 0) return null;
  return Math.max(0, (last.bytes - first.bytes) / seconds);
}

/** Seconds left at `rate`, or null when it cannot be told (no rate yet, or nothing moving). */
export function estimateSecondsLeft(remainingBytes: number, rate: number | null): number | null {
  if (remainingBytes <= 0) return 0;
  if (rate === null || rate <= 0) return null;
  return remainingBytes / rate;
}

/** One point per sample: the rate over the window ending there, for the chart. */
export function throughputSeries(samples: readonly ProgressSample[], windowMs = defaultWindowMs): ThroughputPoint[] {
  const points: ThroughputPoint[] = [];
  let start = 0;
  for (let i = 1; i < samples.length; i += 1) {
    const current = samples[i]!;
    while (start < i - 1 && samples[start + 1]!.at <= current.at - windowMs) start += 1;
    const first = samples[start]!;
    const seconds = (current.at - first.at) / 1000;
    points.push({ at: current.at, rate: seconds > 0 ? Math.max(0, (current.bytes - first.bytes) / seconds) : 0 });
  }
  return points;
}

/** "2 min 05 s", "45 s", "1 h 02 min": short, and stable in width as it counts down. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, "0")} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, "0")} s`;
  return `${s} s`;
}
