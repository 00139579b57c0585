/**
 * Worker tunables for promotions, from the environment (README's configuration table).
 * GANTRY_PROMOTION_STALL_SECONDS: a pushing image whose worker has not reported for this
 * long is put back to pending (default 30). GANTRY_PROMOTION_MAX_ATTEMPTS: after this many
 * claims a stalled image fails instead (default 5). GANTRY_PROMOTION_JOBS_PER_WORKER and
 * GANTRY_PROMOTION_IMAGES_PER_JOB, GANTRY_PROMOTION_LOW_SPEED_SECONDS: see below.
 */
export function promotionSettings(env: Record<string, string | undefined> = process.env) {
  const stallSeconds = positive(env.GANTRY_PROMOTION_STALL_SECONDS, 30);
  return {
    stallSeconds,
    maxAttempts: positive(env.GANTRY_PROMOTION_MAX_ATTEMPTS, 5),
    /** Well inside the stall threshold, so a live worker is never taken for a dead one. */
    heartbeatMs: Math.min(5_000, Math.floor((stallSeconds * 1000) / 3)),
    /** How often a copying worker checks its row for a stop: stop takes effect within 2 s. */
    watchMs: 400,
    /** Progress writes per image: at most four a second. */
    progressIntervalMs: 250,
    /** promote-image jobs one worker runs at once (each may carry several images of its promotion). */
    jobsPerWorker: positive(env.GANTRY_PROMOTION_JOBS_PER_WORKER, 2),
    /** Images of one promotion a job copies together in one call (lib/oci copies up to 8 at once). */
    imagesPerJob: positive(env.GANTRY_PROMOTION_IMAGES_PER_JOB, 8),
    /** A blob moving under 1 KiB/s for this long is cut and retried, so a trickling registry cannot hold a worker. */
    lowSpeedSeconds: positive(env.GANTRY_PROMOTION_LOW_SPEED_SECONDS, 60),
  };
}

function positive(value: string | undefined, fallback: number): number {
  const number = Number(value);
  return value && Number.isFinite(number) && number > 0 ? number : fallback;
}
