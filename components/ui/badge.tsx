import type { ComponentProps } from "react";
import { cx } from "./class-names";

export type BadgeTone = "neutral" | "accent" | "success" | "warning" | "danger";

type BadgeProps = ComponentProps<"span"> & {
  tone?: BadgeTone;
};

/** A small label. Colour is never the only signal: the text always says the same thing. */
export function Badge({ tone = "neutral", className, ...props }: BadgeProps) {
  return (
    <span
      className={cx(
        "inline-flex h-5.5 items-center gap-1.5 rounded-full border px-2 text-xs font-medium whitespace-nowrap",
        toneClasses[tone],
        className,
      )}
      {...props}
    />
  );
}

export const toneClasses: Record<BadgeTone, string> = {
  neutral: "border-border-strong/70 bg-surface-muted text-muted",
  accent: "border-accent/25 bg-accent/10 text-accent",
  success: "border-success/25 bg-success/10 text-success",
  warning: "border-warning/30 bg-warning/10 text-warning",
  danger: "border-danger/25 bg-danger/10 text-danger",
};
