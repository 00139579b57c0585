"use client";

import { useRouter } from "next/navigation";
import { useAction } from "@/components/hooks/use-action";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { FormError } from "@/components/ui/form-error";
import { TimeAgo } from "@/components/ui/time-ago";
import { repairPromotion } from "@/lib/actions/promotions";
import type { PromotionView } from "@/lib/promotions/promotion-view";

/** The "drifted" badge of a promotion whose promoted tags moved or vanished at the target. */
export function DriftBadge({ view }: { view: Pick<PromotionView, "drift"> }) {
  if (view.drift.drifted.length === 0) return null;
  return (
    <Badge
      tone="danger"
      data-testid="drift-badge"
      title={`Moved or gone at the target: ${view.drift.drifted.map((d) => d.component).join(", ")}`}
    >
      drifted
    </Badge>
  );
}

/**
 * What the drift watch found at the target: each promoted tag that now holds another digest
 * or is gone, and "Repair", which promotes the same release to the same target again.
 */
export function PromotionDriftNotice({ view, canRepair }: { view: PromotionView; canRepair: boolean }) {
  const router = useRouter();
  const repair = useAction(repairPromotion);
  if (view.drift.drifted.length === 0) return null;
  return (
    <Card className="mb-6" data-testid="drift-notice">
      <CardHeader
        title="Drifted at the target"
        description={
          <>
            Changed behind Gantry&apos;s back; seen{" "}
            {view.drift.checkedAt ? <TimeAgo date={view.drift.checkedAt} /> : null}
          </>
        }
        actions={
          canRepair ? (
            <Button
              variant="primary"
              pending={repair.pending}
              onClick={() => repair.run({ id: view.id }, (created) => router.push(`/promotions/${created.id}`))}
            >
              Repair
            </Button>
          ) : null
        }
      />
      <CardBody className="space-y-2">
        <ul className="space-y-1 font-mono text-[13px]">
          {view.drift.drifted.map((entry) => (
            <li key={entry.component} data-testid={`drifted-${entry.component}`}>
              {entry.component}: expected {entry.expected.slice(0, 19)}…,{" "}
              {entry.found ? `found ${entry.found.slice(0, 19)}…` : "the tag is gone"}
            </li>
          ))}
        </ul>
        <FormError message={repair.error} />
      </CardBody>
    </Card>
  );
}
