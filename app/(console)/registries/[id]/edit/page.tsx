import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ForbiddenNotice } from "@/components/forbidden-notice";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";
import { formValuesOf } from "@/lib/connections/connection-form-values";
import { findConnection } from "../find-connection";
import { ConnectionForm } from "../../connection-form";

export const metadata: Metadata = { title: "Edit registry" };

export default async function EditRegistryPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  if (!can(user.role, "registries.write")) return <ForbiddenNotice permission="registries.write" />;
  const connection = await findConnection((await params).id);
  if (!connection) notFound();
  return (
    <>
      <PageHeader
        title={`Edit ${connection.name}`}
        description="Secret fields start empty: leave them empty to keep the stored secret. Changing the endpoint, the insecure flag or the CA certificate needs the secret again."
      />
      <ConnectionForm
        mode={{
          kind: "edit",
          id: connection.id,
          provider: connection.provider,
          initial: formValuesOf(connection),
          hasSecret: connection.hasSecret,
        }}
      />
    </>
  );
}
