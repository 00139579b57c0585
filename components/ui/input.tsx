import type { ComponentProps } from "react";
import { cx } from "./class-names";
import { controlClasses } from "./control-styles";

export type InputProps = ComponentProps<"input"> & {
  /** Monospace text, for hosts, repository paths, tags and digests. */
  mono?: boolean;
};

export function Input({ className, mono = false, type = "text", ...props }: InputProps) {
  return (
    <input
      type={type}
      className={cx(controlClasses, "h-8.5 read-only:bg-surface-muted", mono && "font-mono text-[13px]", className)}
      {...props}
    />
  );
}
