import Link from "next/link";
import { buttonStyles } from "@/components/ui/button";
import { auditQueryString } from "@/lib/audit/audit-query";

/** Newer / older links that keep the filters and swap only the cursor. */
export function AuditPager({
  filters,
  prevCursor,
  nextCursor,
}: {
  filters: Record<string, string | undefined>;
  prevCursor: string | null;
  nextCursor: string | null;
}) {
  const href = (cursor: string) => `/audit?${auditQueryString({ ...filters, cursor })}`;
  return (
    <nav className="flex items-center justify-end gap-2" aria-label="Audit pages">
      {prevCursor ? (
        <Link href={href(prevCursor)} className={buttonStyles({ size: "sm" })} rel="prev">
          ← Newer
        </Link>
      ) : (
        <span className={buttonStyles({ size: "sm" })} aria-disabled="true">
          ← Newer
        </span>
      )}
      {nextCursor ? (
        <Link href={href(nextCursor)} className={buttonStyles({ size: "sm" })} rel="next">
          Older →
        </Link>
      ) : (
        <span className={buttonStyles({ size: "sm" })} aria-disabled="true">
          Older →
        </span>
      )}
    </nav>
  );
}
