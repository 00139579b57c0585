"use client";

import { useNow } from "@/components/hooks/use-now";

type TimeAgoProps = {
  date: Date | string | number;
  className?: string;
};

/**
 * "3 minutes ago", with the absolute local time in the tooltip. The server and the
 * hydrating client render the same fixed UTC text (they disagree on "now" and time
 * zone); the relative text takes over right after hydration and ticks every 30 s.
 */
export function TimeAgo({ date, className }: TimeAgoProps) {
  const now = useNow();
  const at = new Date(date);
  if (Number.isNaN(at.getTime())) return <span className={className}>—</span>;

  const iso = at.toISOString();
  if (now === null) {
    const utc = `${iso.slice(0, 16).replace("T", " ")} UTC`;
    return (
      <time dateTime={iso} title={utc} className={className}>
        {utc}
      </time>
    );
  }
  return (
    <time dateTime={iso} title={absoluteFormat.format(at)} className={className}>
      {relative(at.getTime(), now)}
    </time>
  );
}

const absoluteFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "long" });
const relativeFormat = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

const steps: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 7],
  ["week", 4.345],
  ["month", 12],
  ["year", Number.POSITIVE_INFINITY],
];

function relative(at: number, now: number): string {
  let value = (at - now) / 1000;
  if (Math.abs(value) < 45) return "just now";
  for (const [unit, size] of steps) {
    if (Math.abs(value) < size) return relativeFormat.format(Math.round(value), unit);
    value /= size;
  }
  return relativeFormat.format(Math.round(value), "year");
}
