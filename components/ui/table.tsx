import type { ComponentProps } from "react";
import { cx } from "./class-names";

type TableProps = ComponentProps<"table"> & {
  /**
   * Classes for the scroll box around the table. The header sticks to the top of this box,
   * so give long tables a height limit here (e.g. `max-h-[60vh]`).
   */
  containerClassName?: string;
};

export function Table({ className, containerClassName, ...props }: TableProps) {
  return (
    <div className={cx("relative overflow-auto rounded-lg border border-border bg-surface", containerClassName)}>
      <table className={cx("w-full border-separate border-spacing-0 text-left text-sm", className)} {...props} />
    </div>
  );
}

export function THead({ className, ...props }: ComponentProps<"thead">) {
  return <thead className={cx("sticky top-0 z-10 bg-surface-muted", className)} {...props} />;
}

export function TBody({ className, ...props }: ComponentProps<"tbody">) {
  return (
    <tbody className={cx("[&>tr:hover]:bg-surface-hover/60 [&>tr:last-child>td]:border-b-0", className)} {...props} />
  );
}

export function Tr({ className, ...props }: ComponentProps<"tr">) {
  return <tr className={className} {...props} />;
}

type CellOptions = {
  /** Right-aligns with tabular figures so sizes and counts line up. */
  numeric?: boolean;
};

export function Th({ className, numeric = false, scope = "col", ...props }: ComponentProps<"th"> & CellOptions) {
  return (
    <th
      scope={scope}
      className={cx(
        "h-9 border-b border-border px-3 text-xs font-medium whitespace-nowrap text-muted first:pl-4 last:pr-4",
        numeric ? "text-right" : "text-left",
        className,
      )}
      {...props}
    />
  );
}

export function Td({
  className,
  numeric = false,
  mono = false,
  ...props
}: ComponentProps<"td"> & CellOptions & { mono?: boolean }) {
  return (
    <td
      className={cx(
        "h-11 border-b border-border px-3 align-middle text-fg first:pl-4 last:pr-4",
        // Sizes, counts, times and refs read badly when wrapped; the table scrolls instead.
        numeric && "text-right whitespace-nowrap tabular-nums",
        mono && "font-mono text-[13px] whitespace-nowrap",
        className,
      )}
      {...props}
    />
  );
}
