"use client";

import { useEffect, useState } from "react";
import { Button, type ButtonSize, type ButtonVariant } from "./button";
import { cx } from "./class-names";
import { CheckIcon, CopyIcon } from "./icons";

type CopyButtonProps = {
  value: string;
  /** Visible text; without it the button is icon-only and `label` becomes its accessible name. */
  children?: string;
  /** Accessible name for the icon-only form, e.g. "Copy digest". */
  label?: string;
  variant?: ButtonVariant;
  size?: ButtonSize;
  className?: string;
};

export function CopyButton({ value, children, label = "Copy", variant = "ghost", size, className }: CopyButtonProps) {
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1600);
    return () => clearTimeout(timer);
  }, [copied]);

  async function handleClick() {
    if (await copyText(value)) setCopied(true);
  }

  const iconOnly = children === undefined;
  const Icon = copied ? CheckIcon : CopyIcon;
  return (
    <Button
      variant={variant}
      size={size ?? (iconOnly ? "icon-sm" : "sm")}
      onClick={handleClick}
      aria-label={iconOnly ? (copied ? "Copied" : label) : undefined}
      title={iconOnly ? label : undefined}
      className={className}
    >
      <Icon className={cx("size-3.5", copied && "text-success")} />
      {iconOnly ? null : copied ? "Copied" : children}
      <span className="sr-only" aria-live="polite">
        {copied ? "Copied to clipboard" : ""}
      </span>
    </Button>
  );
}

/**
 * The async Clipboard API exists only in secure contexts; self-hosted consoles are often
 * served over plain HTTP on a LAN, so fall back to a selected textarea there.
 */
async function copyText(text: string): Promise<boolean> {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission denied or document not focused: try the fallback below.
    }
  }
  const textarea = document.createElement("textarea");
  textarea.value = text;
  textarea.setAttribute("readonly", "");
  textarea.className = "fixed top-0 left-0 opacity-0";
  document.body.append(textarea);
  textarea.select();
  try {
    return document.execCommand("copy");
  } finally {
    textarea.remove();
  }
}
