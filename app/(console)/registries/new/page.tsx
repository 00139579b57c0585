import type { Metadata } from "next";
import { ForbiddenNotice } from "@/components/forbidden-notice";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";
import { ConnectionForm } from "../connection-form";

export const metadata: Metadata = { title: "Connect a registry" };

export default async function NewRegistryPage() {
  const user = await requireUser();
  if (!can(user.role, "registries.write")) return <ForbiddenNotice permission="registries.write" />;
  return (
    <>
      <PageHeader
        title="Connect a registry"
        description="Pick the provider, fill in its form, then test the connection from its page. Secrets are encrypted before they are stored."
      />
      <ConnectionForm mode={{ kind: "create" }} />
    </>
  );
}
