import type { Metadata } from "next";
import Link from "next/link";
import { buttonStyles } from "@/components/ui/button";
import { formatBytes } from "@/lib/oci/format-bytes";
import { EmptyState } from "@/components/ui/empty-state";
import { PromotionsIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { ProgressBar } from "@/components/ui/progress-bar";
import { DriftBadge } from "@/components/promotions/promotion-drift-notice";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { TimeAgo } from "@/components/ui/time-ago";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";
import { alreadyThereText } from "@/components/promotions/already-there";
import { listPromotionsSchema } from "@/lib/promotions/promotion.schema";
import { listPromotionRows, type PromotionListRow } from "@/lib/promotions/promotion-list";
import { StatusFilter, statusFilterHref } from "./status-filter";

export const metadata: Metadata = { title: "Promotions" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Every promotion, newest first, filtered by status through `?status=`; `?cursor=` pages on. */
export default async function PromotionsPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser();
  const canPromote = can(user.role, "promotions.create");
  const query = listPromotionsSchema.safeParse({
    status: single((await searchParams).status),
    cursor: single((await searchParams).cursor),
  });
  const filter = query.success ? query.data : {};
  const { promotions, nextCursor } = await listPromotionRows({ ...filter, limit: 50 });
  const browse = canPromote ? (
    <Link href="/releases" className={buttonStyles({ variant: "primary" })}>
      Browse releases
    </Link>
  ) : null;

  return (
    <>
      <PageHeader
        title="Promotions"
        description="Requests to copy a release into one of your registries, with every image's progress."
        actions={promotions.length > 0 || filter.status ? browse : null}
      />
      <StatusFilter current={filter.status ?? null} />
      {promotions.length === 0 ? (
        filter.status || filter.cursor ? (
          <EmptyState
            icon={<PromotionsIcon />}
            title="No promotions here"
            description="None has this status."
            action={
              <Link href="/promotions" className={buttonStyles()}>
                Show all
              </Link>
            }
          />
        ) : (
          <EmptyState
            icon={<PromotionsIcon />}
            title="No promotions yet"
            description={
              canPromote
                ? "Pick a release on the Releases page and promote it to one of your registries."
                : "When an operator promotes a release to a registry, its images and their progress show up here."
            }
            action={
              <Link href="/releases" className={buttonStyles({ variant: canPromote ? "primary" : "secondary" })}>
                Browse releases
              </Link>
            }
          />
        )
      ) : (
        <>
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
          {nextCursor ? (
            <div className="mt-4 flex justify-end">
              <Link href={statusFilterHref(filter.status ?? null, nextCursor)} className={buttonStyles()}>
                Older promotions
              </Link>
            </div>
          ) : null}
        </>
      )}
    </>
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

function single(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first ? first : undefined;
}
