import type { ReactNode } from "react";
import { cx } from "./class-names";

type ProgressTone = "accent" | "success" | "danger" | "neutral";

type ProgressBarProps = {
  /** Done so far; `null` shows an indeterminate bar (e.g. while planning). */
  value: number | null;
  max: number;
  /** Accessible name, and the caption above the bar unless `hideLabel`. */
  label: string;
  /** Human text for the current value, e.g. "420 MB of 1.2 GB"; read out instead of a bare number. */
  valueText?: ReactNode;
  tone?: ProgressTone;
  hideLabel?: boolean;
  className?: string;
};

export function ProgressBar({
  value,
  max,
  label,
  valueText,
  tone = "accent",
  hideLabel = false,
  className,
}: ProgressBarProps) {
  const fraction = value === null || max <= 0 ? null : Math.min(1, Math.max(0, value / max));
  const percent = fraction === null ? null : Math.round(fraction * 100);
  const spokenValue = typeof valueText === "string" ? valueText : percent === null ? undefined : `${percent}%`;

  return (
    <div className={cx("space-y-1.5", className)}>
      {hideLabel ? null : (
        <div className="flex items-baseline justify-between gap-3 text-xs">
          <span className="truncate font-medium text-fg">{label}</span>
          <span className="shrink-0 text-muted tabular-nums">
            {valueText ?? (percent === null ? null : `${percent}%`)}
          </span>
        </div>
      )}
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-valuetext={spokenValue}
        className="relative h-1.5 overflow-hidden rounded-full bg-surface-hover"
      >
        {fraction === null ? (
          <div className="absolute inset-y-0 w-1/3 animate-progress-indeterminate rounded-full bg-accent/70 motion-reduce:w-full motion-reduce:animate-none motion-reduce:opacity-40" />
        ) : (
          // The width is data, so it is the one inline style here. No width transition: updates come
          // about four times a second, and an animated fill trailed the numbers printed beside it.
          <div className={cx("h-full rounded-full", barTones[tone])} style={{ width: `${fraction * 100}%` }} />
        )}
      </div>
    </div>
  );
}

const barTones: Record<ProgressTone, string> = {
  accent: "bg-accent",
  success: "bg-success",
  danger: "bg-danger",
  neutral: "bg-neutral",
};
