"use client";

import { useEffect, useState } from "react";
import { Bytes } from "@/components/ui/bytes";
import { formatBytes } from "@/lib/oci/format-bytes";
import { ProgressBar } from "@/components/ui/progress-bar";
import { TimeAgo } from "@/components/ui/time-ago";
import { alreadyThereText } from "./already-there";
import type { PromotionView } from "@/lib/promotions/promotion-view";
import { estimateSecondsLeft, formatDuration, transferRate, type ProgressSample } from "./transfer-rate";

/**
 * Bytes and blobs of the whole promotion, the current rate and the time left. The element
 * carries `data-bytes-done` and `data-updated-at` (when this page received the state) for
 * the progress-latency benchmark and the end-to-end tests.
 */
export function PromotionTotals({
  view,
  samples,
  updatedAt,
}: {
  view: PromotionView;
  samples: readonly ProgressSample[];
  updatedAt: number;
}) {
  const { totals } = view;
  const moving = view.status === "running" || view.status === "queued";
  const now = useTicker(moving);
  const rate = moving ? transferRate(samples, now) : null;
  const left = moving ? estimateSecondsLeft(totals.bytesTotal - totals.bytesDone, rate) : null;
  const tone =
    view.status === "failed"
      ? "danger"
      : view.status === "succeeded"
        ? "success"
        : view.status === "stopped"
          ? "neutral"
          : "accent";

  return (
    <div
      className="space-y-4"
      data-testid="promotion-totals"
      data-bytes-done={totals.bytesDone}
      data-bytes-total={totals.bytesTotal}
      data-updated-at={updatedAt}
      data-status={view.status}
    >
      <ProgressBar
        label="Bytes"
        value={totals.bytesTotal > 0 ? totals.bytesDone : null}
        max={totals.bytesTotal}
        valueText={`${formatBytes(totals.bytesDone)} of ${formatBytes(totals.bytesTotal)}${alreadyThereText(totals.bytesAlreadyThere)}`}
        tone={tone}
        hideLabel={false}
      />
      <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-5">
        <Stat label="Moved" testId="bytes-done">
          <Bytes value={totals.bytesDone} /> <span className="text-muted">of</span> <Bytes value={totals.bytesTotal} />
          {totals.bytesAlreadyThere > 0 ? (
            <span className="block text-xs font-normal text-muted" data-testid="already-there">
              <Bytes value={totals.bytesAlreadyThere} /> already there
            </span>
          ) : null}
        </Stat>
        <Stat label="Blobs" testId="blobs-done">
          {totals.blobsDone} <span className="text-muted">of</span> {totals.blobsTotal}
        </Stat>
        <Stat label="Rate" testId="rate">
          {rate === null ? "—" : `${formatBytes(rate)}/s`}
        </Stat>
        <Stat label="Time left" testId="eta">
          {left === null ? "—" : formatDuration(left)}
        </Stat>
        <Stat label={view.finishedAt ? (view.status === "stopped" ? "Stopped" : "Finished") : "Started"}>
          {view.finishedAt ? (
            <TimeAgo date={view.finishedAt} />
          ) : view.startedAt ? (
            <TimeAgo date={view.startedAt} />
          ) : (
            "not yet"
          )}
        </Stat>
      </dl>
    </div>
  );
}

function Stat({ label, testId, children }: { label: string; testId?: string; children: React.ReactNode }) {
  return (
    <div className="space-y-0.5">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="font-medium text-fg tabular-nums" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

/** Re-renders every second while the copy runs, so the rate falls when updates stop arriving. */
function useTicker(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}
