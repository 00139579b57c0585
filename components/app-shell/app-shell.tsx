import Link from "next/link";
import type { ReactNode } from "react";
import { GantryWordmark } from "@/components/gantry-logo";
import { RoleBadge } from "@/components/role-badge";
import type { Role } from "@/lib/auth/roles";
import { SidebarNav } from "./sidebar-nav";
import { SignOutButton } from "./sign-out-button";

export type ShellUser = { email: string; name: string | null; role: Role };

type AppShellProps = {
  user: ShellUser;
  /** Promotions waiting for this user's approval; shown as a count next to Approvals. */
  approvalsPending?: number;
  children: ReactNode;
};

/** The console frame: sidebar (a top bar on narrow screens) and the main content column. */
export function AppShell({ user, approvalsPending = 0, children }: AppShellProps) {
  return (
    <div className="min-h-dvh md:grid md:grid-cols-[15rem_minmax(0,1fr)]">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-surface focus:px-3 focus:py-2 focus:shadow-lg"
      >
        Skip to content
      </a>
      <aside className="flex flex-col border-b border-border bg-surface md:sticky md:top-0 md:h-dvh md:border-r md:border-b-0">
        <div className="flex h-14 items-center justify-between px-5">
          <Link href="/releases" aria-label="Gantry home" className="rounded-md">
            <GantryWordmark />
          </Link>
          <div className="md:hidden">
            <SignOutButton compact />
          </div>
        </div>
        <SidebarNav approvalsPending={approvalsPending} />
        <UserPanel user={user} />
      </aside>
      <main id="main" className="min-w-0">
        <div className="mx-auto w-full max-w-6xl px-5 py-8 md:px-8 lg:px-10">{children}</div>
      </main>
    </div>
  );
}

function UserPanel({ user }: { user: ShellUser }) {
  const display = user.name ?? user.email;
  return (
    <div className="mt-auto hidden border-t border-border p-3 md:block">
      <div className="flex items-center gap-2.5 px-1.5 py-1">
        <span
          aria-hidden="true"
          className="flex size-8 shrink-0 items-center justify-center rounded-full bg-surface-hover text-xs font-semibold text-muted uppercase"
        >
          {display.slice(0, 1)}
        </span>
        <div className="min-w-0 flex-1">
          {user.name ? <p className="truncate text-sm font-medium text-fg">{user.name}</p> : null}
          <p
            className={user.name ? "truncate text-xs text-muted" : "truncate text-sm font-medium text-fg"}
            title={user.email}
          >
            {user.email}
          </p>
        </div>
      </div>
      <div className="mt-2 flex items-center justify-between gap-2 pl-1.5">
        <RoleBadge role={user.role} />
        <SignOutButton />
      </div>
    </div>
  );
}
