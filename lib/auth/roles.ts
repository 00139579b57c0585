/** Roles, least to most powerful. Each role can do everything the roles before it can. */
export const roles = ["viewer", "operator", "approver", "admin"] as const;

export type Role = (typeof roles)[number];

export function roleRank(role: Role): number {
  return roles.indexOf(role);
}

export function isAtLeast(role: Role, least: Role): boolean {
  return roleRank(role) >= roleRank(least);
}
