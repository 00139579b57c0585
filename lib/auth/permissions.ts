import { isAtLeast, type Role } from "./roles";

/**
 * The one permission table: action → the least role allowed to do it. Server actions,
 * API routes and the UI all read it; `permissions.test.ts` walks it exhaustively.
 */
export const permissions = {
  "console.read": "viewer",
  "sessions.end": "viewer",
  "users.read": "admin",
  "users.create": "admin",
  "users.update": "admin",
  "tokens.read": "admin",
  "tokens.create": "admin",
  "tokens.revoke": "admin",
  "registries.read": "viewer",
  "registries.write": "admin",
  "registries.test": "operator",
  "releases.read": "viewer",
  "channels.write": "operator",
  "channels.sync": "operator",
  "bundles.read": "viewer",
  "bundles.import": "operator",
  "bundles.export": "operator",
  "bundles.download": "operator",
  "promotions.read": "viewer",
  "promotions.create": "operator",
  "promotions.control": "operator",
  "approvals.decide": "approver",
  "approvals.override": "admin",
  /** Only on one's own request: withdrawApprovalRequest checks the requester. */
  "approvals.withdraw": "operator",
  "audit.read": "viewer",
  "audit.verify": "admin",
  "settings.write": "admin",
  "webhooks.read": "admin",
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof permissions;

export function can(role: Role, permission: Permission): boolean {
  return isAtLeast(role, permissions[permission]);
}
