"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/form-error";
import { resumePromotion, retryPromotion, stopPromotion } from "@/lib/actions/promotions";
import type { PromotionView } from "@/lib/promotions/promotion-view";
import { promotionKeys } from "./promotion-query";

/**
 * Stop while images are queued or moving; Resume a stopped promotion; Retry the failed images
 * (or the failed tag step) of a failed one. Shown to operators and above only; the actions
 * check the role themselves.
 */
export function PromotionControls({ view, canControl }: { view: PromotionView; canControl: boolean }) {
  const queryClient = useQueryClient();
  const stop = useAction(stopPromotion);
  const resume = useAction(resumePromotion);
  const retry = useAction(retryPromotion);
  const [confirmingStop, setConfirmingStop] = useState(false);
  if (!canControl) return null;

  // The stream brings the new state; asking once more covers a page that is polling.
  const refresh = () => void queryClient.invalidateQueries({ queryKey: promotionKeys.detail(view.id) });
  const active = view.status === "queued" || view.status === "running";
  // Every image pushed: only the tag step is left, and it is not cut in half.
  const stoppable = active && view.totals.pushed < view.totals.images;
  const error = stop.error ?? resume.error ?? retry.error;

  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex items-center gap-2">
        {stoppable ? (
          <Button variant="secondary" pending={stop.pending} onClick={() => setConfirmingStop(true)}>
            Stop
          </Button>
        ) : null}
        {view.status === "stopped" ? (
          <Button variant="primary" pending={resume.pending} onClick={() => resume.run({ id: view.id }, refresh)}>
            Resume
          </Button>
        ) : null}
        {!active && (view.totals.failed > 0 || view.tagsFailure) ? (
          <Button variant="primary" pending={retry.pending} onClick={() => retry.run({ id: view.id }, refresh)}>
            Retry failed
          </Button>
        ) : null}
      </div>
      <FormError message={error} className="max-w-md" />
      <Dialog
        open={confirmingStop}
        onClose={() => setConfirmingStop(false)}
        title={`Stop promoting ${view.release.tag} to ${view.target.name}?`}
        description="The copy in flight is aborted and the images not yet pushed are marked stopped. Resume later: what already arrived is not moved again."
        footer={
          <>
            <Button onClick={() => setConfirmingStop(false)} data-autofocus>
              Keep going
            </Button>
            <Button
              variant="danger"
              pending={stop.pending}
              onClick={() =>
                stop.run({ id: view.id }, () => {
                  setConfirmingStop(false);
                  refresh();
                })
              }
            >
              Stop promotion
            </Button>
          </>
        }
      />
    </div>
  );
}
