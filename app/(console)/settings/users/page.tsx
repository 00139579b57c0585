import type { Metadata } from "next";
import { ForbiddenNotice } from "@/components/forbidden-notice";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";
import { listUsers } from "@/lib/users/list-users";
import { AddUserForm } from "./add-user-form";
import { UsersTable } from "./users-table";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const me = await requireUser();
  if (!can(me.role, "users.read")) return <ForbiddenNotice permission="users.read" />;
  const users = await listUsers();
  return (
    <>
      <PageHeader
        title="Users"
        description="Everyone who can sign in, and what their role lets them do: viewers read, operators promote, approvers approve, admins manage."
      />
      <div className="space-y-6">
        <UsersTable
          users={users.map((u) => ({
            id: u.id,
            email: u.email,
            name: u.name,
            role: u.role,
            disabled: u.disabled,
            lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
          }))}
          currentUserId={me.id}
        />
        <AddUserForm />
      </div>
    </>
  );
}
