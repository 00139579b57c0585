import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { StoredCheck } from "@/lib/connections/check-result";

const statusLook: Record<StoredCheck["steps"][number]["status"], { label: string; tone: BadgeTone }> = {
  passed: { label: "Passed", tone: "success" },
  failed: { label: "Failed", tone: "danger" },
  skipped: { label: "Skipped", tone: "neutral" },
};

/** Each step of a connection check with its outcome and the message saying what to do. */
export function CheckSteps({ steps }: { steps: StoredCheck["steps"] }) {
  return (
    <ol className="divide-y divide-border rounded-lg border border-border" aria-label="Connection check steps">
      {steps.map((step) => {
        const look = statusLook[step.status];
        return (
          <li
            key={step.id}
            data-testid={`check-step-${step.id}`}
            data-status={step.status}
            className="flex items-start gap-3 px-3 py-2.5"
          >
            <Badge tone={look.tone} className="mt-0.5 w-18 justify-center">
              {look.label}
            </Badge>
            <div className="min-w-0 flex-1">
              <div className="flex items-baseline justify-between gap-3">
                <span className="text-sm font-medium text-fg">{step.label}</span>
                {step.status === "skipped" ? null : (
                  <span className="shrink-0 text-xs text-subtle tabular-nums">{step.durationMs} ms</span>
                )}
              </div>
              <p className="text-sm break-words text-muted">{step.message}</p>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
