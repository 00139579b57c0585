import type { Metadata } from "next";
import Link from "next/link";
import { buttonStyles } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PromotionsIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";
import { listPromotionsSchema } from "@/lib/promotions/promotion.schema";
import { listPromotionRows } from "@/lib/promotions/promotion-list";
import { PromotionRows } from "./promotion-rows";
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
          <PromotionRows promotions={promotions} />
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

function single(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first ? first : undefined;
}
