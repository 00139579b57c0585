import type { Metadata } from "next";
import Link from "next/link";
import { buttonStyles } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PlusIcon, RegistriesIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";
import { listConnections } from "@/lib/connections/list-connections";
import { ConnectionHealth } from "./connection-health";
import { ConnectionUse } from "./connection-use";
import { TokenExpiry } from "./token-expiry";

export const metadata: Metadata = { title: "Registries" };

export default async function RegistriesPage() {
  const user = await requireUser();
  const canConnect = can(user.role, "registries.write");
  const connections = await listConnections();
  const connect = canConnect ? (
    <Link href="/registries/new" className={buttonStyles({ variant: "primary" })}>
      <PlusIcon className="size-4" />
      Connect a registry
    </Link>
  ) : null;

  return (
    <>
      <PageHeader
        title="Registries"
        description="The vendor's source registry and your private targets. Credentials are encrypted and never reach the browser."
        actions={connections.length > 0 ? connect : null}
      />
      {connections.length === 0 ? (
        <EmptyState
          icon={<RegistriesIcon />}
          title="Connect your first registry"
          description={
            canConnect
              ? "Add the vendor's source registry and your private target: ECR, Artifact Registry, ACR, Docker Hub, Quay, GHCR or any Docker Registry V2."
              : "An admin connects the vendor's source registry and your private target; they will be listed here."
          }
          action={connect}
        />
      ) : (
        <Table>
          <THead>
            <Tr>
              <Th>Name</Th>
              <Th>Provider</Th>
              <Th>Endpoint</Th>
              <Th>Health</Th>
            </Tr>
          </THead>
          <TBody>
            {connections.map((connection) => (
              <Tr key={connection.id} data-testid={`registry-row-${connection.name}`}>
                <Td>
                  <Link
                    href={`/registries/${connection.id}`}
                    className="font-medium text-fg hover:text-accent hover:underline"
                  >
                    {connection.name}
                  </Link>
                </Td>
                <Td className="text-muted">{connection.providerLabel}</Td>
                <Td mono>
                  {connection.endpoint}
                  {connection.namespace ? <span className="text-muted">/{connection.namespace}</span> : null}
                </Td>
                <Td>
                  <div className="space-y-0.5">
                    <ConnectionHealth lastCheck={connection.lastCheck} lastUse={connection.lastUse} />
                    <ConnectionUse lastUse={connection.lastUse} />
                    {connection.tokenExpiresAt ? (
                      <div className="text-xs text-muted">
                        <TokenExpiry expiresAt={connection.tokenExpiresAt} />
                      </div>
                    ) : null}
                  </div>
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
    </>
  );
}
