import { Badge } from "@/components/ui/badge";
import { TimeAgo } from "@/components/ui/time-ago";
import type { StoredCheck } from "@/lib/connections/check-result";

/** The last connection check as a word and a colour: healthy, failing at which step, or never checked. */
export function ConnectionHealth({
  lastCheck,
  showTime = true,
}: {
  lastCheck: StoredCheck | null;
  showTime?: boolean;
}) {
  if (!lastCheck) return <Badge tone="neutral">Not checked</Badge>;
  const failed = lastCheck.steps.find((step) => step.status === "failed");
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      {failed ? <Badge tone="danger">Failing: {failed.label}</Badge> : <Badge tone="success">Healthy</Badge>}
      {showTime ? (
        <span className="text-xs text-muted">
          checked <TimeAgo date={lastCheck.checkedAt} />
        </span>
      ) : null}
    </span>
  );
}
