import type { ComponentProps } from "react";
import { cx } from "./class-names";
import { controlClasses } from "./control-styles";

export type TextareaProps = ComponentProps<"textarea"> & {
  /** Monospace text, for keys and JSON such as a service-account key. */
  mono?: boolean;
};

export function Textarea({ className, mono = false, rows = 4, ...props }: TextareaProps) {
  return (
    <textarea
      rows={rows}
      className={cx(
        controlClasses,
        "min-h-16 py-2 leading-relaxed read-only:bg-surface-muted",
        mono && "font-mono text-[13px]",
        className,
      )}
      {...props}
    />
  );
}
