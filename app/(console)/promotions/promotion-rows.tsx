"use client";

import Link from "next/link";
import { alreadyThereText } from "@/components/promotions/already-there";
import { DriftBadge } from "@/components/promotions/promotion-drift-notice";
import { ProgressBar } from "@/components/ui/progress-bar";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { TimeAgo } from "@/components/ui/time-ago";
import type { PromotionListRow } from "@/lib/promotions/promotion-list";
import { formatBytes } from "@/lib/oci/format-bytes";

/**
 * The Promotions table. A client component over plain rows, so the page's flight payload
 * carries each promotion once as data rather than its rendered cells beside their HTML.
 */
export function PromotionRows({ promotions }: { promotions: PromotionListRow[] }) {
  return (
    <Table>
      <THead>
        <Tr>
          <Th>Release</Th>
          <Th>Target</Th>
          <Th className="w-64">Progress</Th>
          <Th>Status</Th>
          <Th>Started</Th>
          <Th>Finished</Th>
        </Tr>
      </THead>
      <TBody>
        {promotions.map((promotion) => (
          <PromotionRow key={promotion.id} promotion={promotion} />
        ))}
      </TBody>
    </Table>
  );
}

function PromotionRow({ promotion }: { promotion: PromotionListRow }) {
  const { totals } = promotion;
  return (
    <Tr data-testid={`promotion-row-${promotion.id}`}>
      <Td>
        <Link href={`/promotions/${promotion.id}`} className="font-medium text-fg hover:text-accent hover:underline">
          {promotion.release.channelName} <span className="font-mono">{promotion.release.tag}</span>
        </Link>
        <div className="text-xs text-muted">
          {totals.images} image{totals.images === 1 ? "" : "s"}
          {promotion.requestedBy ? ` · by ${promotion.requestedBy}` : ""}
        </div>
      </Td>
      <Td>
        <div>{promotion.target.name}</div>
        <div className="font-mono text-xs text-muted">{promotion.target.endpoint}</div>
      </Td>
      <Td>
        <ProgressBar
          label={`Progress of ${promotion.release.tag} to ${promotion.target.name}`}
          value={totals.bytesTotal > 0 ? totals.bytesDone : promotion.status === "succeeded" ? 1 : 0}
          max={totals.bytesTotal > 0 ? totals.bytesTotal : 1}
          valueText={`${formatBytes(totals.bytesDone)} of ${formatBytes(totals.bytesTotal)}${alreadyThereText(totals.bytesAlreadyThere)} · ${totals.pushed}/${totals.images} pushed`}
          tone={
            promotion.status === "failed"
              ? "danger"
              : promotion.status === "succeeded"
                ? "success"
                : promotion.status === "running"
                  ? "accent"
                  : "neutral"
          }
        />
      </Td>
      <Td>
        <StatusBadge status={promotion.status} /> <DriftBadge view={promotion} />
      </Td>
      <Td className="text-muted whitespace-nowrap">
        {promotion.startedAt ? <TimeAgo date={promotion.startedAt} /> : "—"}
      </Td>
      <Td className="text-muted whitespace-nowrap">
        {promotion.finishedAt ? <TimeAgo date={promotion.finishedAt} /> : "—"}
      </Td>
    </Tr>
  );
}
