import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runChange, type Caller } from "@/lib/change/run-change";
import { apiOperations } from "@/lib/api/openapi";
import { createApiToken, revokeApiToken } from "@/lib/auth/api-tokens";
import { can, permissions, type Permission } from "@/lib/auth/permissions";
import { roles, type Role } from "@/lib/auth/roles";
import { previewPromotionFor } from "@/lib/promotions/preview-promotion";
import { bootstrapAdmin } from "@/lib/users/bootstrap-admin";
import { setupTestDatabase } from "@/test/support/database";
import { loadChange, routeHandlers, serverActions } from "./support/change-definitions";
import { proofLog } from "./support/proof-results";

// No browser session outside a Next.js request: an anonymous caller is one whose session
// lookup finds nothing, as getServerSession answers without a session cookie.
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => null,
}));

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
const database = setupTestDatabase();
const proof = proofLog("rbac-matrix");
afterAll(() => proof.write());
const client = { ip: "198.51.100.9", userAgent: "proof/rbac" };

/**
 * Every server action and the permission it must check. A new action fails this test until it
 * is added here (with the permission of the definition it wraps, or a check of its own below).
 */
const actionExpectations: Record<string, Permission | "first-run"> = {
  "lib/actions/approvals.ts#approve": "approvals.decide",
  "lib/actions/approvals.ts#reject": "approvals.decide",
  "lib/actions/approvals.ts#override": "approvals.override",
  "lib/actions/approvals.ts#withdraw": "approvals.withdraw",
  "lib/actions/approvals.ts#setRegistryApprovals": "registries.write",
  "lib/actions/audit.ts#runAuditVerification": "audit.verify",
  "lib/actions/audit.ts#saveAuditRetention": "settings.write",
  "lib/actions/bundles.ts#importBundleAsRelease": "bundles.import",
  "lib/actions/bundles.ts#exportReleaseBundle": "bundles.export",
  "lib/actions/channels.ts#addChannel": "channels.write",
  "lib/actions/session.ts#endAllSessions": "sessions.end",
  "lib/actions/channels.ts#editChannel": "channels.write",
  "lib/actions/channels.ts#removeChannel": "channels.write",
  "lib/actions/channels.ts#syncChannelNow": "channels.sync",
  "lib/actions/channels.ts#saveSignaturePolicy": "settings.write",
  "lib/actions/channels.ts#uploadTrustedRoot": "settings.write",
  "lib/actions/promotions.ts#promote": "promotions.create",
  "lib/actions/promotions.ts#stopPromotion": "promotions.control",
  "lib/actions/promotions.ts#resumePromotion": "promotions.control",
  "lib/actions/promotions.ts#retryPromotion": "promotions.control",
  "lib/actions/promotions.ts#repairPromotion": "promotions.create",
  "lib/actions/promotions.ts#previewPromotion": "promotions.create",
  "lib/actions/registries.ts#addRegistry": "registries.write",
  "lib/actions/registries.ts#editRegistry": "registries.write",
  "lib/actions/registries.ts#removeRegistry": "registries.write",
  "lib/actions/registries.ts#testRegistry": "registries.test",
  "lib/actions/registries.ts#addRegistryRepository": "registries.write",
  "lib/actions/setup.ts#createFirstAdmin": "first-run",
  "lib/actions/users.ts#addUser": "users.create",
  "lib/actions/users.ts#changeUser": "users.update",
  "lib/actions/users.ts#addApiToken": "tokens.create",
  "lib/actions/users.ts#removeApiToken": "tokens.revoke",
  "lib/actions/webhooks.ts#addWebhook": "settings.write",
  "lib/actions/webhooks.ts#editWebhook": "settings.write",
  "lib/actions/webhooks.ts#removeWebhook": "settings.write",
  "lib/actions/webhooks.ts#testWebhook": "settings.write",
  "lib/actions/webhooks.ts#redeliverWebhookDelivery": "settings.write",
};

type Who = Role | "anonymous" | "revoked";
const everyone: Who[] = ["anonymous", "revoked", ...roles];
const callers = {} as Record<Role, Caller>;
const tokens = {} as Record<Exclude<Who, "anonymous">, string>;

beforeAll(async () => {
  for (const role of roles) {
    const user = await database.db().user.create({ data: { email: `rbac-${role}@example.com`, role } });
    callers[role] = { userId: user.id, email: user.email, role };
  }
  for (const role of roles) {
    // Minted at the command line: in the console a token is created only by its own user.
    const created = await runChange(
      createApiToken,
      { userId: null, email: "cli", role: "admin" },
      { email: callers[role].email, name: `rbac-${role}` },
      client,
    );
    if (!created.ok) throw new Error(created.error);
    tokens[role] = created.data.token;
  }
  const doomed = await runChange(createApiToken, callers.admin, { name: "rbac-revoked" }, client);
  if (!doomed.ok) throw new Error(doomed.error);
  const revoked = await runChange(revokeApiToken, callers.admin, { tokenId: doomed.data.id }, client);
  if (!revoked.ok) throw new Error(revoked.error);
  tokens.revoked = doomed.data.token;
});

/** What a caller must get from a check of `permission`: 401, 403, or through (anything else). */
function expected(who: Who, permission: Permission): "401" | "403" | "through" {
  if (who === "anonymous" || who === "revoked") return "401";
  return can(who, permission) ? "through" : "403";
}

function verdict(status: number): "401" | "403" | "through" {
  return status === 401 ? "401" : status === 403 ? "403" : "through";
}

describe("RBAC matrix: every /api/v1 route", () => {
  const routes = routeHandlers().filter((r) => r.path !== "/openapi.json");

  it("has an expectation for every route file's exported method, from apiOperations", () => {
    const documented = new Set(apiOperations.map((o) => `${o.method} ${o.path}`));
    expect(routes.map((r) => r.operation).filter((op) => !documented.has(op))).toEqual([]);
    expect(apiOperations.every((o) => o.permission in permissions)).toBe(true);
    expect(routes.length).toBeGreaterThan(40);
  });

  for (const route of routes) {
    const operation = apiOperations.find((o) => `${o.method} ${o.path}` === route.operation);
    it(`${route.operation} needs ${operation ? `${permissions[operation.permission]} (${operation.permission})` : "an entry in apiOperations"}`, async () => {
      expect(operation, `${route.operation} is not in apiOperations`).toBeDefined();
      const handler = (await import(/* @vite-ignore */ `@/${route.file.replace(/\.ts$/, "")}`))[route.method] as (
        request: Request,
        context: { params: Promise<Record<string, string>> },
      ) => Promise<Response>;
      const params = Object.fromEntries(
        [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, `rbac-missing-${name}`]),
      );
      const url = `http://localhost/api/v1${route.path.replace(/\{(\w+)\}/g, (_m, name: string) => params[name]!)}`;
      const seen: string[] = [];
      for (const who of everyone) {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (who !== "anonymous") headers.authorization = `Bearer ${tokens[who]}`;
        const hasBody = route.method !== "GET" && route.method !== "DELETE";
        const response = await handler(
          new Request(url, { method: route.method, headers, body: hasBody ? "{}" : undefined }),
          { params: Promise.resolve(params) },
        );
        await response.body?.cancel();
        seen.push(`${who}=${response.status}`);
        expect(verdict(response.status), `${route.operation} as ${who} answered ${response.status}`).toBe(
          expected(who, operation!.permission),
        );
      }
      proof.add({
        area: "Access control (API)",
        tried: `${route.operation} as anonymous, revoked token, viewer, operator, approver, admin`,
        cases: everyone.length,
        outcome: seen.join(" "),
      });
    });
  }
});

describe("RBAC matrix: every server action", () => {
  const actions = serverActions();

  it("has an expectation for every exported server action, matching the definition it wraps", async () => {
    expect(actions.map((a) => a.id).sort()).toEqual(Object.keys(actionExpectations).sort());
    for (const action of actions) {
      if (!action.wraps) continue;
      expect((await loadChange(action.wraps)).permission, action.id).toBe(actionExpectations[action.id]);
    }
  });

  for (const action of actions) {
    const permission = actionExpectations[action.id];
    if (!action.wraps || !permission || permission === "first-run") continue;
    it(`${action.name} (${action.file}) is refused below ${permissions[permission]}`, async () => {
      const definition = await loadChange(action.wraps!);
      const seen: string[] = [];
      for (const who of ["anonymous", ...roles] as const) {
        const result = await runChange(definition, who === "anonymous" ? null : callers[who], {}, client);
        const status = result.ok ? 200 : result.status;
        seen.push(`${who}=${status}`);
        expect(verdict(status), `${action.name} as ${who}: ${JSON.stringify(result).slice(0, 200)}`).toBe(
          expected(who, permission),
        );
        if (status === 403)
          expect(result).toMatchObject({ error: expect.stringContaining(`needs ${permissions[permission]} or above`) });
      }
      proof.add({
        area: "Access control (server actions)",
        tried: `${action.name} with an empty input as anonymous, viewer, operator, approver, admin`,
        cases: 5,
        outcome: seen.join(" "),
      });
    });
  }

  it("previewPromotion (hand-written) checks promotions.create itself", async () => {
    const seen: string[] = [];
    for (const who of ["anonymous", ...roles] as const) {
      const result = await previewPromotionFor(who === "anonymous" ? null : callers[who], {});
      const status = result.ok ? 200 : result.status;
      seen.push(`${who}=${status}`);
      expect(verdict(status)).toBe(expected(who, "promotions.create"));
    }
    proof.add({
      area: "Access control (server actions)",
      tried: "previewPromotion as anonymous, viewer, operator, approver, admin",
      cases: 5,
      outcome: seen.join(" "),
    });
  });

  it("createFirstAdmin (open to anonymous callers) creates nothing once a user exists", async () => {
    const before = await database.db().user.count();
    const result = await bootstrapAdmin(
      { email: "intruder@example.com", password: "intruder-password-1" },
      { actorId: null, actorLabel: "first-run:intruder@example.com", ip: null, userAgent: null },
    );
    expect(result).toBeNull();
    expect(await database.db().user.count()).toBe(before);
    proof.add({
      area: "Access control (server actions)",
      tried: "createFirstAdmin (the one anonymous action) after setup",
      cases: 1,
      outcome: "refused; no user created",
    });
  });
});
