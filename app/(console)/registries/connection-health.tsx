import { Badge } from "@/components/ui/badge";
import { TimeAgo } from "@/components/ui/time-ago";
import type { StoredCheck } from "@/lib/connections/check-result";
import type { ConnectionUseHealth } from "@/lib/connections/connection-view";
import { lastUseFailing } from "./connection-use";

/** The last connection check as a word and a colour: healthy, failing at which step, or never checked (then real use, if any). */
export function ConnectionHealth({
  lastCheck,
  lastUse = null,
  showTime = true,
}: {
  lastCheck: StoredCheck | null;
  /** Without a manual check, what real use showed decides the badge. */
  lastUse?: ConnectionUseHealth | null;
  showTime?: boolean;
}) {
  if (!lastCheck && lastUse?.okAt && !lastUseFailing(lastUse)) return <Badge tone="success">Healthy in use</Badge>;
  if (!lastCheck && lastUse && lastUseFailing(lastUse)) return <Badge tone="danger">Failing in use</Badge>;
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
