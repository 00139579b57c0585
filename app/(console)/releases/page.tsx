import type { Metadata } from "next";
import Link from "next/link";
import { buttonStyles } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { ReleasesIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Releases" };

export default async function ReleasesPage() {
  const user = await requireUser();
  const canSetUp = can(user.role, "registries.write") || can(user.role, "channels.write");

  return (
    <>
      <PageHeader
        title="Releases"
        description="Releases discovered in the vendor's registry, one channel per product, newest first."
      />
      <EmptyState
        icon={<ReleasesIcon />}
        title="No release channels yet"
        description={
          canSetUp
            ? "Connect the vendor's registry, then add a channel with its component repositories."
            : "An admin connects the vendor's registry, then an operator adds a channel with its component repositories."
        }
        action={
          canSetUp ? (
            <Link href="/registries" className={buttonStyles({ variant: "primary" })}>
              Go to Registries
            </Link>
          ) : null
        }
      />
    </>
  );
}
