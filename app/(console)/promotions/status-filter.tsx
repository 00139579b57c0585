import Link from "next/link";
import { cx } from "@/components/ui/class-names";
import type { PromotionStatus } from "@/lib/promotions/promotion-view";

const tabs: { status: PromotionStatus | null; label: string }[] = [
  { status: null, label: "All" },
  { status: "running", label: "Running" },
  { status: "queued", label: "Queued" },
  { status: "awaiting_approval", label: "Awaiting approval" },
  { status: "succeeded", label: "Succeeded" },
  { status: "failed", label: "Failed" },
  { status: "stopped", label: "Stopped" },
  { status: "rejected", label: "Rejected" },
  { status: "withdrawn", label: "Withdrawn" },
];

/** Status tabs as links: the filter lives in the URL, so it survives a reload and can be shared. */
export function StatusFilter({ current }: { current: PromotionStatus | null }) {
  return (
    <nav aria-label="Filter by status" className="mb-4 overflow-x-auto">
      <ul className="flex gap-1 border-b border-border">
        {tabs.map((tab) => {
          const active = tab.status === current;
          return (
            <li key={tab.label}>
              <Link
                href={statusFilterHref(tab.status, null)}
                aria-current={active ? "page" : undefined}
                className={cx(
                  "-mb-px inline-flex h-9 items-center border-b-2 px-3 text-sm whitespace-nowrap",
                  active ? "border-accent font-medium text-fg" : "border-transparent text-muted hover:text-fg",
                )}
              >
                {tab.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

export function statusFilterHref(status: PromotionStatus | null, cursor: string | null): string {
  const params = new URLSearchParams();
  if (status) params.set("status", status);
  if (cursor) params.set("cursor", cursor);
  const query = params.toString();
  return query ? `/promotions?${query}` : "/promotions";
}
