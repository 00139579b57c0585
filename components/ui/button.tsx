import type { ComponentProps } from "react";
import { cx } from "./class-names";
import { Spinner } from "./spinner";

export type ButtonVariant = "primary" | "secondary" | "danger" | "ghost";
export type ButtonSize = "sm" | "md" | "icon" | "icon-sm" | "icon-xs";

type ButtonStyleOptions = { variant?: ButtonVariant; size?: ButtonSize; className?: string };

/** The button look, exported so links (`<Link className={buttonStyles(…)}>`) can share it. */
export function buttonStyles({ variant = "secondary", size = "md", className }: ButtonStyleOptions = {}) {
  return cx(
    "inline-flex shrink-0 items-center justify-center gap-1.5 rounded-md font-medium whitespace-nowrap select-none",
    "transition-colors duration-100 disabled:pointer-events-none disabled:opacity-50 aria-disabled:pointer-events-none aria-disabled:opacity-50",
    variantClasses[variant],
    sizeClasses[size],
    className,
  );
}

const variantClasses: Record<ButtonVariant, string> = {
  primary: "bg-accent text-accent-fg shadow-xs hover:bg-accent-hover",
  secondary: "border border-border-strong bg-surface text-fg shadow-xs hover:bg-surface-hover",
  danger: "bg-danger text-white shadow-xs hover:bg-danger-hover dark:text-canvas",
  ghost: "text-muted hover:bg-surface-hover hover:text-fg",
};

const sizeClasses: Record<ButtonSize, string> = {
  sm: "h-7 px-2.5 text-xs",
  md: "h-8.5 px-3.5 text-sm",
  icon: "size-8 p-0",
  "icon-sm": "size-7 p-0",
  "icon-xs": "size-6 p-0",
};

export type ButtonProps = ComponentProps<"button"> & {
  variant?: ButtonVariant;
  size?: ButtonSize;
  /** Shows a spinner and blocks clicks while an action runs; the label stays for context. */
  pending?: boolean;
};

export function Button({
  variant,
  size,
  pending = false,
  disabled,
  className,
  children,
  type = "button",
  ...props
}: ButtonProps) {
  return (
    <button
      type={type}
      disabled={disabled || pending}
      aria-busy={pending || undefined}
      className={buttonStyles({ variant, size, className })}
      {...props}
    >
      {pending ? <Spinner className="size-3.5" /> : null}
      {children}
    </button>
  );
}
