"use client";

import { useAction } from "@/components/hooks/use-action";
import { RoleBadge } from "@/components/role-badge";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { FormError } from "@/components/ui/form-error";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { TimeAgo } from "@/components/ui/time-ago";
import { removeApiToken } from "@/lib/actions/users";
import type { Role } from "@/lib/auth/roles";

interface TokenRow {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  owner: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revoked: boolean;
}

export function TokensTable({ tokens }: { tokens: TokenRow[] }) {
  const { run, pending, error } = useAction(removeApiToken);

  if (tokens.length === 0) {
    return (
      <EmptyState
        title="No API tokens yet"
        description="Create one below for each pipeline or script, so each can be revoked on its own."
      />
    );
  }

  return (
    <div className="space-y-3">
      <FormError message={error} />
      <Table aria-busy={pending}>
        <THead>
          <Tr>
            <Th>Name</Th>
            <Th>Owner</Th>
            <Th>Role</Th>
            <Th>Token</Th>
            <Th>Last used</Th>
            <Th className="text-right">Status</Th>
          </Tr>
        </THead>
        <TBody>
          {tokens.map((token) => (
            <Tr key={token.id} data-testid={`token-row-${token.name}`}>
              <Td className="font-medium text-fg">{token.name}</Td>
              <Td className="text-muted">{token.owner}</Td>
              <Td>
                <RoleBadge role={token.role} />
              </Td>
              <Td mono>{token.prefix}…</Td>
              <Td className="text-muted">{token.lastUsedAt ? <TimeAgo date={token.lastUsedAt} /> : "never"}</Td>
              <Td className="text-right">
                {token.revoked ? (
                  <Badge tone="danger">revoked</Badge>
                ) : (
                  <Button size="sm" variant="danger" disabled={pending} onClick={() => run({ tokenId: token.id })}>
                    Revoke
                  </Button>
                )}
              </Td>
            </Tr>
          ))}
        </TBody>
      </Table>
    </div>
  );
}
