import { TimeAgo } from "@/components/ui/time-ago";
import type { ConnectionUseHealth } from "@/lib/connections/connection-view";

/**
 * What real use last showed: "Last used successfully 3 minutes ago (sync)", or the last error
 * when it is newer than the last success (with when it last worked, if it ever did).
 */
export function ConnectionUse({ lastUse }: { lastUse: ConnectionUseHealth | null }) {
  if (!lastUse) return null;
  const failing = lastUseFailing(lastUse);
  if (failing && lastUse.errorAt) {
    return (
      <div className="max-w-xl text-xs text-danger" data-testid="connection-use">
        Last use failed <TimeAgo date={lastUse.errorAt} /> ({lastUse.errorBy}): {lastUse.error}
        {lastUse.okAt ? (
          <span className="text-muted">
            {" "}
            · last success <TimeAgo date={lastUse.okAt} />
          </span>
        ) : null}
      </div>
    );
  }
  if (!lastUse.okAt) return null;
  return (
    <div className="text-xs text-muted" data-testid="connection-use">
      Last used successfully <TimeAgo date={lastUse.okAt} /> ({lastUse.okBy})
    </div>
  );
}

/** True when the newest thing real use showed is an error. */
export function lastUseFailing(lastUse: ConnectionUseHealth): boolean {
  if (!lastUse.errorAt) return false;
  return !lastUse.okAt || lastUse.errorAt > lastUse.okAt;
}
