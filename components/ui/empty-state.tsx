import type { ReactNode } from "react";
import { cx } from "./class-names";

type EmptyStateProps = {
  /** A decorative icon element, e.g. `<RegistriesIcon />`; it is sized here. */
  icon?: ReactNode;
  title: ReactNode;
  /** One line that says what to do next. */
  description: ReactNode;
  /** A link or button that does that next thing. */
  action?: ReactNode;
  className?: string;
};

export function EmptyState({ icon, title, description, action, className }: EmptyStateProps) {
  return (
    <div
      className={cx(
        "flex flex-col items-center rounded-lg border border-dashed border-border-strong bg-surface px-6 py-14 text-center",
        className,
      )}
    >
      {icon ? (
        <div className="mb-4 flex size-10 items-center justify-center rounded-lg border border-border bg-surface-muted text-muted [&>svg]:size-5">
          {icon}
        </div>
      ) : null}
      <h2 className="text-base font-semibold text-fg">{title}</h2>
      <p className="mt-1.5 max-w-md text-sm text-balance text-muted">{description}</p>
      {action ? <div className="mt-5 flex flex-wrap items-center justify-center gap-2">{action}</div> : null}
    </div>
  );
}
