"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, type ReactNode } from "react";
import { Bytes } from "@/components/ui/bytes";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { StatusBadge } from "@/components/ui/status-badge";
import { TimeAgo } from "@/components/ui/time-ago";
import type { PromotionView } from "@/lib/promotions/promotion-view";
import { ImageProgressList } from "./image-progress-list";
import { PromotionControls } from "./promotion-controls";
import { DriftBadge, PromotionDriftNotice } from "./promotion-drift-notice";
import { PromotionTotals } from "./promotion-totals";
import { PushedReferences } from "./pushed-references";
import { RollbackButton } from "./rollback-button";
import { TagStep } from "./tag-step";
import { ThroughputChart } from "./throughput-chart";
import { useLivePromotion, type LiveTransport } from "./use-live-promotion";
import type { RollbackOffer } from "@/lib/promotions/rollback-offer";

/** The promotion page's live body: everything below follows the worker without a reload. */
export function LivePromotion({
  initial,
  canControl,
  canRepair = false,
  approval,
  rollback,
}: {
  initial: PromotionView;
  canControl: boolean;
  /** May ask for a new promotion (Repair of a drifted one). */
  canRepair?: boolean;
  /** The approval panel, for promotions under a policy. */ approval?: ReactNode;
  /** "Roll back to <previous release>", on a target's latest promotion once it succeeded. */
  rollback?: RollbackOffer | null;
}) {
  const { view, updatedAt, samples, transport, gone } = useLivePromotion(initial);
  const router = useRouter();
  const succeeded = view.status === "succeeded";
  // The roll back offer is made on the server: ask for it again once this promotion succeeds.
  useEffect(() => {
    if (succeeded && initial.status !== "succeeded") router.refresh();
  }, [succeeded, initial.status, router]);

  return (
    <>
      <PageHeader
        title={
          <span className="inline-flex flex-wrap items-center gap-3">
            <span>
              {view.release.channelName} <span className="font-mono">{view.release.tag}</span> → {view.target.name}
            </span>
            <StatusBadge status={view.status} />
            <DriftBadge view={view} />
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
        actions={
          <div className="flex items-start gap-2">
            {rollback && succeeded ? <RollbackButton offer={rollback} targetName={view.target.name} /> : null}
            <PromotionControls view={view} canControl={canControl} />
          </div>
        }
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
      <PromotionDriftNotice view={view} canRepair={canRepair} />
      <div className="space-y-6">
        <Card>
          <CardHeader
            title="Progress"
            actions={settled.has(view.status) ? null : <TransportNote transport={transport} />}
          />
          <CardBody className="space-y-5">
            <PromotionTotals view={view} samples={samples} updatedAt={updatedAt} />
            <ThroughputChart samples={samples} />
            <TagStep view={view} />
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
