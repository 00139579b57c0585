import type { ReactNode } from "react";
import { cx } from "./class-names";
import { AlertIcon } from "./icons";

type FormErrorProps = {
  /** The form-level message; nothing renders without it, so it can sit in a form permanently. */
  message?: ReactNode;
  title?: ReactNode;
  className?: string;
};

/** A banner for errors that belong to the whole form (e.g. "The connection test failed: …"). */
export function FormError({ message, title, className }: FormErrorProps) {
  if (!message) return null;
  return (
    <div
      role="alert"
      className={cx(
        "flex gap-2.5 rounded-md border border-danger/30 bg-danger/8 px-3 py-2.5 text-sm text-fg",
        className,
      )}
    >
      <AlertIcon className="mt-0.5 size-4 shrink-0 text-danger" />
      <div className="min-w-0 space-y-0.5">
        {title ? <p className="font-medium text-danger">{title}</p> : null}
        <div className="break-words">{message}</div>
      </div>
    </div>
  );
}
