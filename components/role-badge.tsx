import type { Role } from "@/lib/auth/roles";
import { Badge } from "./ui/badge";

const labels: Record<Role, string> = {
  viewer: "Viewer",
  operator: "Operator",
  approver: "Approver",
  admin: "Admin",
};

export function RoleBadge({ role, className }: { role: Role; className?: string }) {
  return (
    <Badge tone={role === "admin" ? "accent" : "neutral"} className={className}>
      {labels[role]}
    </Badge>
  );
}
