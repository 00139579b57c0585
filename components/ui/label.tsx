import type { ComponentProps } from "react";
import { cx } from "./class-names";

export type LabelProps = ComponentProps<"label"> & {
  /** Marks the field as optional in the label; required is the default and stays unmarked. */
  optional?: boolean;
};

export function Label({ className, optional = false, children, ...props }: LabelProps) {
  return (
    <label className={cx("block text-sm font-medium text-fg", className)} {...props}>
      {children}
      {/* The space keeps the accessible name two words ("Username optional"), not "Usernameoptional". */}
      {optional ? (
        <>
          {" "}
          <span className="ml-1 font-normal text-subtle">optional</span>
        </>
      ) : null}
    </label>
  );
}
