import type { ComponentProps, ReactNode } from "react";
import { cx } from "./class-names";

export function Card({ className, ...props }: ComponentProps<"section">) {
  return <section className={cx("rounded-lg border border-border bg-surface shadow-xs", className)} {...props} />;
}

type CardHeaderProps = {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  className?: string;
};

export function CardHeader({ title, description, actions, className }: CardHeaderProps) {
  return (
    <header className={cx("flex items-start justify-between gap-4 border-b border-border px-4 py-3", className)}>
      <div className="min-w-0 space-y-0.5">
        <h2 className="text-sm font-semibold text-fg">{title}</h2>
        {description ? <p className="text-sm text-muted">{description}</p> : null}
      </div>
      {actions ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
    </header>
  );
}

export function CardBody({ className, ...props }: ComponentProps<"div">) {
  return <div className={cx("px-4 py-4", className)} {...props} />;
}
