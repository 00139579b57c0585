import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { ApprovalPolicyForm } from "@/components/approvals/approval-policy-form";
import { AuditHistory } from "@/components/audit/audit-history";
import { buttonStyles } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Spinner } from "@/components/ui/spinner";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";
import { providerInfo } from "@/lib/registries/providers";
import { ConnectionDetails } from "./connection-details";
import { CreateRepositoryForm } from "./create-repository-form";
import { DeleteConnectionButton } from "./delete-connection-button";
import { findConnection } from "./find-connection";
import { RepositoriesList } from "./repositories-list";
import { TestConnectionPanel } from "./test-connection-panel";

export const metadata: Metadata = { title: "Registry" };

export default async function RegistryPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const connection = await findConnection((await params).id);
  if (!connection) notFound();
  const canWrite = can(user.role, "registries.write");
  const info = providerInfo(connection.provider);

  return (
    <>
      <PageHeader
        title={connection.name}
        description={`${connection.providerLabel} · ${connection.endpoint}${connection.namespace ? `/${connection.namespace}` : ""}`}
        actions={
          canWrite ? (
            <>
              <Link href={`/registries/${connection.id}/edit`} className={buttonStyles()}>
                Edit
              </Link>
              <DeleteConnectionButton id={connection.id} name={connection.name} />
            </>
          ) : null
        }
      />
      <div className="space-y-6">
        <TestConnectionPanel
          id={connection.id}
          lastCheck={connection.lastCheck}
          canTest={can(user.role, "registries.test")}
        />
        <ConnectionDetails connection={connection} />
        <Card>
          <CardHeader title="Repositories" description="What this connection's credential can see." />
          <CardBody className="space-y-4">
            <Suspense fallback={<Spinner label="Listing repositories" />}>
              <RepositoriesList id={connection.id} />
            </Suspense>
            {canWrite && info.createsRepositories ? (
              <CreateRepositoryForm
                id={connection.id}
                namespace={connection.namespace}
                hint={
                  connection.provider === "artifact_registry"
                    ? "Artifact Registry makes each image path on first push; this makes sure the Docker repository exists."
                    : "Created with this connection's tag and scan settings."
                }
              />
            ) : null}
          </CardBody>
        </Card>
        <Card>
          <CardHeader
            title="Approval policy"
            description="Promotions into this registry wait for this many approvers before any image moves."
          />
          <CardBody>
            {canWrite ? (
              <ApprovalPolicyForm registryId={connection.id} approvalsRequired={connection.approvalsRequired} />
            ) : (
              <p className="text-sm text-fg" data-testid="approval-policy">
                {connection.approvalsRequired
                  ? `${connection.approvalsRequired} approval(s) required`
                  : "No approval required"}
              </p>
            )}
          </CardBody>
        </Card>
        <AuditHistory targetType="registry" targetId={connection.id} />
      </div>
    </>
  );
}
