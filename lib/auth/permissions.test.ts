import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { can, permissions, type Permission } from "./permissions";
import { roleRank, roles } from "./roles";

describe("permission table", () => {
  it("grants each permission to exactly its least role and every role above it", () => {
    for (const permission of Object.keys(permissions) as Permission[]) {
      for (const role of roles) {
        expect(can(role, permission), `${role} → ${permission}`).toBe(
          roleRank(role) >= roleRank(permissions[permission]),
        );
      }
    }
  });

  it("keeps user and token administration for admins only", () => {
    for (const permission of ["users.create", "users.update", "tokens.create", "tokens.revoke"] as const) {
      expect(roles.filter((role) => can(role, permission))).toEqual(["admin"]);
    }
  });

  it("names only permissions that exist wherever code asks for one", () => {
    const used = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!["node_modules", "generated", ".next"].includes(entry.name)) walk(full);
        } else if (/\.tsx?$/.test(entry.name)) {
          for (const match of fs.readFileSync(full, "utf8").matchAll(/permission(?:=|: )\{?"([a-z]+\.[a-z_]+)"/g))
            used.add(match[1]!);
        }
      }
    };
    ["app", "lib", "components"].forEach((dir) => walk(path.join(process.cwd(), dir)));
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(Object.keys(permissions), name).toContain(name);
  });
});
