import { Badge, type BadgeTone } from "./badge";
import { cx } from "./class-names";

export type ImageStatus = "pending" | "pushing" | "pushed" | "stopped" | "failed";
export type PromotionStatus =
  "awaiting_approval" | "rejected" | "withdrawn" | "queued" | "running" | "succeeded" | "failed" | "stopped";
export type Status = ImageStatus | PromotionStatus;

type DotKind = "solid" | "hollow" | "pulse";

const statuses: Record<Status, { label: string; tone: BadgeTone; dot: DotKind }> = {
  pending: { label: "Pending", tone: "neutral", dot: "hollow" },
  queued: { label: "Queued", tone: "neutral", dot: "hollow" },
  awaiting_approval: { label: "Awaiting approval", tone: "warning", dot: "hollow" },
  pushing: { label: "Pushing", tone: "accent", dot: "pulse" },
  running: { label: "Running", tone: "accent", dot: "pulse" },
  pushed: { label: "Pushed", tone: "success", dot: "solid" },
  succeeded: { label: "Succeeded", tone: "success", dot: "solid" },
  stopped: { label: "Stopped", tone: "neutral", dot: "solid" },
  rejected: { label: "Rejected", tone: "danger", dot: "solid" },
  withdrawn: { label: "Withdrawn", tone: "neutral", dot: "solid" },
  failed: { label: "Failed", tone: "danger", dot: "solid" },
};

type StatusBadgeProps = {
  status: Status;
  className?: string;
};

/** Image and promotion states from docs/architecture.md (Statuses), each with a colour, a dot shape and a word. */
export function StatusBadge({ status, className }: StatusBadgeProps) {
  const { label, tone, dot } = statuses[status];
  return (
    <Badge tone={tone} className={className}>
      <Dot kind={dot} />
      {label}
    </Badge>
  );
}

function Dot({ kind }: { kind: DotKind }) {
  if (kind === "pulse") {
    return (
      <span className="relative flex size-1.5" aria-hidden="true">
        <span className="absolute inline-flex size-full animate-ping rounded-full bg-current opacity-60 motion-reduce:hidden" />
        <span className="relative inline-flex size-1.5 rounded-full bg-current" />
      </span>
    );
  }
  return (
    <span
      aria-hidden="true"
      className={cx("size-1.5 rounded-full", kind === "solid" ? "bg-current" : "border border-current")}
    />
  );
}
