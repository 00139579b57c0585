import type { Metadata } from "next";
import Link from "next/link";
import { buttonStyles } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PromotionsIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Promotions" };

export default async function PromotionsPage() {
  const user = await requireUser();
  const canPromote = can(user.role, "promotions.create");

  return (
    <>
      <PageHeader
        title="Promotions"
        description="Requests to copy a release into one of your registries, with every image's progress."
      />
      <EmptyState
        icon={<PromotionsIcon />}
        title="No promotions yet"
        description={
          canPromote
            ? "Pick a release on the Releases page and promote it to one of your registries."
            : "When an operator promotes a release to a registry, its images and their progress show up here."
        }
        action={
          canPromote ? (
            <Link href="/releases" className={buttonStyles({ variant: "primary" })}>
              Browse releases
            </Link>
          ) : null
        }
      />
    </>
  );
}
