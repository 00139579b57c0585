"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { Bytes } from "@/components/ui/bytes";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { StatusBadge } from "@/components/ui/status-badge";
import { TimeAgo } from "@/components/ui/time-ago";
import type { PromotionView } from "@/lib/promotions/promotion-view";
import { ImageProgressList } from "./image-progress-list";
import { PromotionControls } from "./promotion-controls";
import { PromotionTotals } from "./promotion-totals";
import { PushedReferences } from "./pushed-references";
import { ThroughputChart } from "./throughput-chart";
import { useLivePromotion, type LiveTransport } from "./use-live-promotion";

/** The promotion page's live body: everything below follows the worker without a reload. */
export function LivePromotion({
  initial,
  canControl,
  approval,
}: {
  initial: PromotionView;
  canControl: boolean;
  /** The approval panel, for promotions under a policy. */ approval?: ReactNode;
}) {
  const { view, updatedAt, samples, transport, gone } = useLivePromotion(initial);

  return (
    <>
      <PageHeader
        title={
          <span className="inline-flex flex-wrap items-center gap-3">
            <span>
              {view.release.channelName} <span className="font-mono">{view.release.tag}</span> → {view.target.name}
            </span>
            <StatusBadge status={view.status} />
          </span>
        }
        description={
          <>
            {view.requestedBy ? `Requested by ${view.requestedBy} ` : "Requested "}
            <TimeAgo date={view.createdAt} />
            {" · "}
            <span className="font-mono">{view.target.endpoint}</span>
          </>
        }
        actions={<PromotionControls view={view} canControl={canControl} />}
      />
      {gone ? <p className="mb-4 text-sm text-danger">This promotion no longer exists.</p> : null}
      {view.status === "awaiting_approval" ? (
        <p className="mb-4 text-sm text-muted">
          Waiting for approval before any image moves.{" "}
          <Link href="/approvals" className="text-accent hover:underline">
            Approvals
          </Link>
        </p>
      ) : null}
      {approval ? <div className="mb-6">{approval}</div> : null}
      <div className="space-y-6">
        <Card>
          <CardHeader
            title="Progress"
            actions={settled.has(view.status) ? null : <TransportNote transport={transport} />}
          />
          <CardBody className="space-y-5">
            <PromotionTotals view={view} samples={samples} updatedAt={updatedAt} />
            <ThroughputChart samples={samples} />
          </CardBody>
        </Card>
        <PushedReferences view={view} />
        <Card>
          <CardHeader
            title="Images"
            description={
              <>
                {view.totals.pushed} of {view.totals.images} pushed
                {view.totals.failed ? `, ${view.totals.failed} failed` : ""} · <Bytes value={view.totals.bytesTotal} />{" "}
                in all
              </>
            }
          />
          <ImageProgressList images={view.images} />
        </Card>
      </div>
    </>
  );
}

/** Nothing moves any more: no "Live" dot (the page still follows a resume or retry). */
const settled: ReadonlySet<PromotionView["status"]> = new Set([
  "succeeded",
  "failed",
  "stopped",
  "rejected",
  "withdrawn",
]);

/** Says whether the numbers are live, so a stale page never looks current. */
function TransportNote({ transport }: { transport: LiveTransport }) {
  const text =
    transport === "live" ? "Live" : transport === "polling" ? "Reconnecting… (checking every second)" : "Connecting…";
  return (
    <span
      className="inline-flex items-center gap-1.5 text-xs text-muted"
      data-testid="transport"
      data-transport={transport}
    >
      <span
        aria-hidden="true"
        className={
          transport === "live" ? "size-1.5 rounded-full bg-success" : "size-1.5 rounded-full border border-current"
        }
      />
      {text}
    </span>
  );
}
