import { EmptyState } from "@/components/ui/empty-state";
import { permissions, type Permission } from "@/lib/auth/permissions";

/** Shown instead of a page the caller's role may not see; the server refuses the actions too. */
export function ForbiddenNotice({ permission }: { permission: Permission }) {
  return (
    <EmptyState
      title="You don't have access to this page"
      description={`It needs the ${permissions[permission]} role or above. Ask an admin if you need it.`}
    />
  );
}
