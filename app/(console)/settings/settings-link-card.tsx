import Link from "next/link";
import type { ReactNode } from "react";
import { ChevronRightIcon } from "@/components/ui/icons";

type SettingsLinkCardProps = {
  href: string;
  icon: ReactNode;
  title: string;
  description: string;
};

/** A whole-card link to a settings sub-page. */
export function SettingsLinkCard({ href, icon, title, description }: SettingsLinkCardProps) {
  return (
    <Link
      href={href}
      className="group flex items-start gap-3.5 rounded-lg border border-border bg-surface p-4 shadow-xs transition-colors hover:border-border-strong hover:bg-surface-hover/40"
    >
      <span className="flex size-9 shrink-0 items-center justify-center rounded-md border border-border bg-surface-muted text-muted [&>svg]:size-4.5">
        {icon}
      </span>
      <span className="min-w-0 flex-1 space-y-0.5">
        <span className="block text-sm font-semibold text-fg">{title}</span>
        <span className="block text-sm text-muted">{description}</span>
      </span>
      <ChevronRightIcon className="mt-2.5 size-4 shrink-0 text-subtle transition-transform group-hover:translate-x-0.5" />
    </Link>
  );
}
