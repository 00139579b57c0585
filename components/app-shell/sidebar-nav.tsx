"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ComponentType } from "react";
import { cx } from "@/components/ui/class-names";
import {
  ApprovalsIcon,
  AuditIcon,
  BundlesIcon,
  PromotionsIcon,
  RegistriesIcon,
  ReleasesIcon,
  SettingsIcon,
  type IconProps,
} from "@/components/ui/icons";

type NavItem = { href: string; label: string; icon: ComponentType<IconProps> };

const items: NavItem[] = [
  { href: "/releases", label: "Releases", icon: ReleasesIcon },
  { href: "/promotions", label: "Promotions", icon: PromotionsIcon },
  { href: "/approvals", label: "Approvals", icon: ApprovalsIcon },
  { href: "/registries", label: "Registries", icon: RegistriesIcon },
  { href: "/bundles", label: "Bundles", icon: BundlesIcon },
  { href: "/audit", label: "Audit", icon: AuditIcon },
  { href: "/settings", label: "Settings", icon: SettingsIcon },
];

/** The section links; client-side only to know which one is current. */
export function SidebarNav({ approvalsPending = 0 }: { approvalsPending?: number }) {
  const pathname = usePathname();

  return (
    <nav aria-label="Main" className="overflow-x-auto md:overflow-visible">
      <ul className="flex gap-0.5 px-3 pb-2 md:flex-col md:pb-0">
        {items.map(({ href, label, icon: Icon }) => {
          const active = pathname === href || pathname.startsWith(`${href}/`);
          const count = href === "/approvals" ? approvalsPending : 0;
          return (
            <li key={href}>
              <Link
                href={href}
                aria-current={active ? "page" : undefined}
                className={cx(
                  "flex h-8 items-center gap-2.5 rounded-md px-2.5 text-sm whitespace-nowrap transition-colors",
                  active
                    ? "bg-surface-hover font-medium text-fg"
                    : "text-muted hover:bg-surface-hover/70 hover:text-fg",
                )}
              >
                <Icon className={cx("size-4 shrink-0", active ? "text-accent" : "text-subtle")} />
                {label}
                {count > 0 ? (
                  <span className="ml-auto inline-flex h-4.5 min-w-4.5 items-center justify-center rounded-full bg-accent px-1.5 text-[11px] font-semibold text-accent-fg tabular-nums">
                    {count}
                    <span className="sr-only"> waiting for approval</span>
                  </span>
                ) : null}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
