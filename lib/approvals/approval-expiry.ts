/** Approval requests expire after this many days unless decided (GANTRY_APPROVAL_EXPIRY_DAYS, default 7). */
export function approvalExpiryDays(env: Record<string, string | undefined> = process.env): number {
  const days = Number(env.GANTRY_APPROVAL_EXPIRY_DAYS ?? 7);
  return Number.isFinite(days) && days > 0 ? days : 7;
}

/** When a request made at `requestedAt` expires: the stored expiry wins, else the configured window. */
export function approvalExpiresAt(requestedAt: Date, stored: Date | null): Date {
  return stored ?? new Date(requestedAt.getTime() + approvalExpiryDays() * 86_400_000);
}
