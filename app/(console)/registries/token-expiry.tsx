"use client";

import { useNow } from "@/components/hooks/use-now";

/**
 * "token expires in 11 h 52 min", counting down each 30 s. Server and hydrating client render
 * the fixed UTC time (they disagree on "now"); the countdown takes over after hydration.
 */
export function TokenExpiry({ expiresAt }: { expiresAt: string }) {
  const now = useNow();
  const at = new Date(expiresAt);
  const utc = `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  if (now === null) return <time dateTime={at.toISOString()}>token valid until {utc}</time>;
  const left = at.getTime() - now;
  return (
    <time dateTime={at.toISOString()} title={utc} className={left <= 0 ? "text-danger" : undefined}>
      {left <= 0 ? "token expired" : `token expires in ${formatLeft(left)}`}
    </time>
  );
}

function formatLeft(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "less than a minute";
  const hours = Math.floor(minutes / 60);
  if (hours === 0) return `${minutes} min`;
  return `${hours} h ${minutes % 60} min`;
}
