import type { Metadata } from "next";
import { ForbiddenNotice } from "@/components/forbidden-notice";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/get-current-user";
import { listAccountsUnderAttack } from "@/lib/auth/sign-in-attacks";
import { can } from "@/lib/auth/permissions";
import { listUsers } from "@/lib/users/list-users";
import { AddUserForm } from "./add-user-form";
import { UsersTable } from "./users-table";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const me = await requireUser();
  if (!can(me.role, "users.read")) return <ForbiddenNotice permission="users.read" />;
  const [users, underAttack] = await Promise.all([listUsers(), listAccountsUnderAttack()]);
  return (
    <>
      <PageHeader
        title="Users"
        description="Everyone who can sign in, and what their role lets them do: viewers read, operators promote, approvers approve, admins manage."
      />
      <div className="space-y-6">
        {underAttack.length > 0 && (
          <div
            role="alert"
            data-testid="sign-in-attack"
            className="rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-sm text-fg"
          >
            <p className="font-medium">Failed sign-ins in the last 15 minutes: these accounts may be under attack.</p>
            <ul className="mt-1 list-disc pl-5">
              {underAttack.map((a) => (
                <li key={a.email}>
                  {a.email}: {a.failures} failures from {a.addresses} {a.addresses === 1 ? "address" : "addresses"}.
                  Each address that keeps failing is locked out of the account; its rightful owner can still sign in.
                </li>
              ))}
            </ul>
          </div>
        )}
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
