import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { ReleaseView, TargetState } from "@/lib/releases/channel-view";

const look: Record<TargetState, { tone: BadgeTone; word: string }> = {
  pushed: { tone: "success", word: "pushed" },
  partial: { tone: "warning", word: "partly pushed" },
  absent: { tone: "neutral", word: "not pushed" },
};

/** Where the release already is: one badge per target that has a promotion of it. */
export function TargetBadges({ release }: { release: ReleaseView }) {
  if (release.targets.length === 0) return <span className="text-xs text-muted">Not promoted anywhere yet</span>;
  return (
    <span className="inline-flex flex-wrap gap-1.5" aria-label="Presence at targets">
      {release.targets.map((target) => (
        <Badge
          key={target.registryId}
          tone={look[target.state].tone}
          data-testid={`target-${target.registryName}`}
          data-state={target.state}
        >
          {target.registryName}: {look[target.state].word}
        </Badge>
      ))}
      {release.targets
        .filter((target) => target.drifted.length > 0)
        .map((target) => (
          <Badge
            key={`drift-${target.registryId}`}
            tone="danger"
            data-testid={`drifted-${target.registryName}`}
            title={`Moved or gone at ${target.registryName} since Gantry promoted it: ${target.drifted.join(", ")}`}
          >
            {target.registryName}: drifted
          </Badge>
        ))}
    </span>
  );
}
