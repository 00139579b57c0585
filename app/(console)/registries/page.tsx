import type { Metadata } from "next";
import Link from "next/link";
import { buttonStyles } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PlusIcon, RegistriesIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Registries" };

export default async function RegistriesPage() {
  const user = await requireUser();
  const canConnect = can(user.role, "registries.write");

  return (
    <>
      <PageHeader
        title="Registries"
        description="The vendor's source registry and your private targets. Credentials are encrypted and never reach the browser."
      />
      <EmptyState
        icon={<RegistriesIcon />}
        title="Connect your first registry"
        description={
          canConnect
            ? "Add the vendor's source registry and your private target: ECR, Artifact Registry, ACR, Docker Hub, Quay, GHCR or any Docker Registry V2."
            : "An admin connects the vendor's source registry and your private target; they will be listed here."
        }
        action={
          canConnect ? (
            <Link href="/registries/new" className={buttonStyles({ variant: "primary" })}>
              <PlusIcon className="size-4" />
              Connect a registry
            </Link>
          ) : null
        }
      />
    </>
  );
}
