import type { ReactNode } from "react";
import { AppShell } from "@/components/app-shell/app-shell";
import { countApprovalsAwaiting } from "@/lib/approvals/list-approval-requests";
import { requireUser } from "@/lib/auth/get-current-user";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  const approvalsPending = await countApprovalsAwaiting({ id: user.id, role: user.role });
  return (
    <AppShell user={user} approvalsPending={approvalsPending}>
      {children}
    </AppShell>
  );
}
