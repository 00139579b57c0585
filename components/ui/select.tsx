import type { ComponentProps } from "react";
import { cx } from "./class-names";
import { controlClasses } from "./control-styles";
import { ChevronDownIcon } from "./icons";

export type SelectProps = ComponentProps<"select">;

/** A native select (keyboard and screen-reader behaviour for free) with our chevron. */
export function Select({ className, children, ...props }: SelectProps) {
  return (
    <div className={cx("relative", className)}>
      <select className={cx(controlClasses, "h-8.5 appearance-none pr-8")} {...props}>
        {children}
      </select>
      <ChevronDownIcon className="pointer-events-none absolute top-1/2 right-2.5 size-4 -translate-y-1/2 text-muted" />
    </div>
  );
}
