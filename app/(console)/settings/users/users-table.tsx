"use client";

import { useAction } from "@/components/hooks/use-action";
import { RoleBadge } from "@/components/role-badge";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { Select } from "@/components/ui/select";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { TimeAgo } from "@/components/ui/time-ago";
import { changeUser } from "@/lib/actions/users";
import { roles, type Role } from "@/lib/auth/roles";

interface UserRow {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  disabled: boolean;
  lastSignInAt: string | null;
}

export function UsersTable({ users, currentUserId }: { users: UserRow[]; currentUserId: string }) {
  const { run: update, pending, error } = useAction(changeUser);

  return (
    <div className="space-y-3">
      <FormError message={error} />
      <Table aria-busy={pending}>
        <THead>
          <Tr>
            <Th>User</Th>
            <Th>Role</Th>
            <Th>Status</Th>
            <Th>Last sign-in</Th>
            <Th className="text-right">Access</Th>
          </Tr>
        </THead>
        <TBody>
          {users.map((user) => (
            <Tr key={user.id} data-testid={`user-row-${user.email}`}>
              <Td>
                <div className="font-medium text-fg">{user.email}</div>
                {user.name ? <div className="text-xs text-muted">{user.name}</div> : null}
              </Td>
              <Td>
                {user.id === currentUserId ? (
                  <RoleBadge role={user.role} />
                ) : (
                  <Select
                    aria-label={`Role of ${user.email}`}
                    value={user.role}
                    disabled={pending}
                    onChange={(e) => update({ userId: user.id, role: e.target.value as Role })}
                  >
                    {roles.map((role) => (
                      <option key={role} value={role}>
                        {role}
                      </option>
                    ))}
                  </Select>
                )}
              </Td>
              <Td>{user.disabled ? <Badge tone="danger">disabled</Badge> : <Badge tone="success">active</Badge>}</Td>
              <Td className="text-muted">{user.lastSignInAt ? <TimeAgo date={user.lastSignInAt} /> : "never"}</Td>
              <Td className="text-right">
                {user.id === currentUserId ? (
                  <span className="text-xs text-muted">you</span>
                ) : (
                  <Button
                    size="sm"
                    variant={user.disabled ? "secondary" : "danger"}
                    disabled={pending}
                    onClick={() => update({ userId: user.id, disabled: !user.disabled })}
                  >
                    {user.disabled ? "Enable" : "Disable"}
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
