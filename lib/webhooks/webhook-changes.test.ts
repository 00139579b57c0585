import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getOne, PATCH as patchOne, DELETE as deleteOne } from "@/app/api/v1/webhooks/[id]/route";
import { GET as listDeliveries } from "@/app/api/v1/webhooks/[id]/deliveries/route";
import { POST as testOne } from "@/app/api/v1/webhooks/[id]/test/route";
import { GET as listAll, POST as createOne } from "@/app/api/v1/webhooks/route";
import { runChange, type Caller } from "@/lib/change/run-change";
import { createApiToken } from "@/lib/auth/api-tokens";
import { setupTestDatabase } from "@/test/support/database";
import { createWebhook } from "./create-webhook";
import { deleteWebhook } from "./delete-webhook";
import { redeliverWebhook } from "./redeliver-webhook";
import { sendTestWebhook } from "./send-test-webhook";
import { updateWebhook } from "./update-webhook";
import { getWebhookOrThrow, listWebhooks } from "./webhook-view";
import { openWebhookSecret } from "./webhook-secret";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
const database = setupTestDatabase();
const client = { ip: null, userAgent: "vitest" };
const callers: Record<"viewer" | "operator" | "approver" | "admin", Caller> = {
  viewer: { userId: null, email: "viewer@example.com", role: "viewer" },
  operator: { userId: null, email: "operator@example.com", role: "operator" },
  approver: { userId: null, email: "approver@example.com", role: "approver" },
  admin: { userId: null, email: "admin@example.com", role: "admin" },
};
const tokens: Record<string, string> = {};

beforeAll(async () => {
  await database.db().user.createMany({ data: Object.values(callers).map((c) => ({ email: c.email, role: c.role })) });
  for (const caller of Object.values(callers)) {
    const created = await runChange(
      createApiToken,
      callers.admin,
      { email: caller.email, name: "script", role: caller.role },
      client,
    );
    if (!created.ok) throw new Error(created.error);
    tokens[caller.role] = created.data.token;
  }
});

function request(path: string, role: string, init: RequestInit = {}): Request {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${tokens[role]}`);
  if (init.body) headers.set("content-type", "application/json");
  return new Request(`http://localhost${path}`, { ...init, headers });
}

const params = (values: Record<string, string> = {}) => ({ params: Promise.resolve(values) });

describe("webhook changes", () => {
  it("shows the generated secret once, keeps it sealed, and never answers or audits it again", async () => {
    const response = await createOne(
      request("/api/v1/webhooks", "admin", {
        method: "POST",
        body: JSON.stringify({
          name: "ci",
          url: "https://hooks.example.com/services/T0/B0/credential-in-path",
          events: ["promotion.failed", "promotion.succeeded"],
        }),
      }),
      params(),
    );
    expect(response.status).toBe(201);
    const created = (await response.json()) as {
      id: string;
      secret: string;
      events: string[];
      format: string;
      enabled: boolean;
    };
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    // Events come back in the documented order, whatever order they were sent in.
    expect(created).toMatchObject({
      events: ["promotion.succeeded", "promotion.failed"],
      format: "json",
      enabled: true,
    });

    const row = await database.db().webhook.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.secretCiphertext).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(created.secret);
    expect(openWebhookSecret(row.id, row.secretCiphertext)).toBe(created.secret);

    const answers = [
      await (await listAll(request("/api/v1/webhooks", "admin"), params())).text(),
      await (await getOne(request(`/api/v1/webhooks/${created.id}`, "admin"), params({ id: created.id }))).text(),
      await (
        await patchOne(
          request(`/api/v1/webhooks/${created.id}`, "admin", {
            method: "PATCH",
            body: JSON.stringify({ format: "slack" }),
          }),
          params({ id: created.id }),
        )
      ).text(),
      JSON.stringify(await listWebhooks()),
      JSON.stringify(await getWebhookOrThrow(created.id)),
    ];
    for (const answer of answers) {
      expect(answer).toContain(created.id);
      expect(answer).not.toContain(created.secret);
      expect(answer).not.toContain(row.secretCiphertext);
      expect(answer).not.toContain("secret");
    }

    const audit = JSON.stringify(
      await database.db().auditEvent.findMany({ where: { targetId: created.id } }),
      (_k, v) => (typeof v === "bigint" ? String(v) : v),
    );
    expect(audit).toContain("webhook.created");
    expect(audit).not.toContain(created.secret);
    expect(audit).not.toContain(row.secretCiphertext);
    // The receiver's credential in the path stays out of the trail viewers read.
    expect(audit).not.toContain("credential-in-path");
    expect(audit).toContain("https://hooks.example.com/…");
  });

  it("refuses bad input naming the field, and stores nothing", async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ name: "", url: "https://a.example.com" }, "name", /expected a name/],
      [{ name: "x", url: "ftp://a.example.com/" }, "url", /expected https:\/\/ or http:\/\//],
      [{ name: "x", url: "not a url" }, "url", /absolute URL/],
      [{ name: "x", url: "https://user:pw@a.example.com/" }, "url", /user name or password/],
      [
        { name: "x", url: "https://a.example.com", events: ["promotion.exploded"] },
        "events.0",
        /expected event names among promotion.requested/,
      ],
      [{ name: "x", url: "https://a.example.com", format: "xml" }, "format", /"json" or "slack"/],
      [{ name: "x", url: "http://169.254.169.254/latest/meta-data" }, "url", /cloud metadata service/],
      [{ name: "x", url: "http://metadata.google.internal/" }, "url", /cloud metadata service/],
      [{ name: "x", url: "http://[fe80::1]/" }, "url", /link-local/],
    ];
    for (const [body, field, message] of cases) {
      const result = await runChange(createWebhook, callers.admin, body, client);
      expect(result, JSON.stringify(body)).toMatchObject({
        ok: false,
        status: 400,
        fieldErrors: { [field]: expect.stringMatching(message) },
      });
    }
    expect(await database.db().webhook.count({ where: { name: "x" } })).toBe(0);

    const duplicate = await runChange(
      createWebhook,
      callers.admin,
      { name: "ci", url: "https://b.example.com" },
      client,
    );
    expect(duplicate).toMatchObject({
      ok: false,
      status: 409,
      fieldErrors: { name: expect.stringMatching(/exists already/) },
    });

    const loopback = await runChange(
      createWebhook,
      callers.admin,
      { name: "local", url: "http://127.0.0.1:9/hook" },
      client,
    );
    expect(loopback).toMatchObject({
      ok: false,
      fieldErrors: { url: expect.stringMatching(/GANTRY_ALLOW_LOOPBACK_WEBHOOKS=1/) },
    });
  });

  it("edits, disables and deletes with audit, and the delete takes the delivery log with it", async () => {
    const created = await runChange(
      createWebhook,
      callers.admin,
      { name: "edit-me", url: "https://c.example.com/hook" },
      client,
    );
    if (!created.ok) throw new Error(created.error);
    const id = created.data.id;
    expect(
      await runChange(updateWebhook, callers.admin, { id, events: ["promotion.requested"], name: "edited" }, client),
    ).toMatchObject({ ok: true, data: { name: "edited", events: ["promotion.requested"] } });
    expect(await runChange(updateWebhook, callers.admin, { id, enabled: false }, client)).toMatchObject({
      ok: true,
      data: { enabled: false },
    });
    expect(await runChange(updateWebhook, callers.admin, { id, name: "ci" }, client)).toMatchObject({
      ok: false,
      status: 409,
      fieldErrors: { name: expect.any(String) },
    });
    expect(await runChange(updateWebhook, callers.admin, { id: "nope", enabled: true }, client)).toMatchObject({
      ok: false,
      status: 404,
    });
    await database.db().webhookDelivery.create({ data: { webhookId: id, event: "promotion.requested", payload: {} } });

    const response = await deleteOne(request(`/api/v1/webhooks/${id}`, "admin", { method: "DELETE" }), params({ id }));
    expect(response.status).toBe(200);
    expect(await database.db().webhookDelivery.count({ where: { webhookId: id } })).toBe(0);
    const actions = (await database.db().auditEvent.findMany({ where: { targetId: id }, orderBy: { id: "asc" } })).map(
      (e) => e.action,
    );
    expect(actions).toEqual(["webhook.created", "webhook.updated", "webhook.disabled", "webhook.deleted"]);
  });

  it("refuses viewers, operators and approvers on every route and change; admins pass", async () => {
    const webhook = (await listWebhooks())[0]!;
    for (const role of ["viewer", "operator", "approver"] as const) {
      const caller = callers[role];
      for (const [definition, input] of [
        [createWebhook, { name: `by-${role}`, url: "https://d.example.com" }],
        [updateWebhook, { id: webhook.id, enabled: false }],
        [deleteWebhook, { id: webhook.id }],
        [sendTestWebhook, { id: webhook.id }],
        [redeliverWebhook, { id: webhook.id, deliveryId: "x" }],
      ] as const) {
        expect(
          await runChange(definition as typeof createWebhook, caller, input, client),
          `${role} ${JSON.stringify(input)}`,
        ).toMatchObject({ ok: false, status: 403 });
      }
      const answers = [
        await listAll(request("/api/v1/webhooks", role), params()),
        await getOne(request(`/api/v1/webhooks/${webhook.id}`, role), params({ id: webhook.id })),
        await listDeliveries(request(`/api/v1/webhooks/${webhook.id}/deliveries`, role), params({ id: webhook.id })),
        await createOne(
          request("/api/v1/webhooks", role, {
            method: "POST",
            body: JSON.stringify({ name: "r", url: "https://e.example.com" }),
          }),
          params(),
        ),
        await testOne(
          request(`/api/v1/webhooks/${webhook.id}/test`, role, { method: "POST" }),
          params({ id: webhook.id }),
        ),
      ];
      expect(
        answers.map((a) => a.status),
        role,
      ).toEqual([403, 403, 403, 403, 403]);
      expect(await answers[0]!.text()).not.toContain(webhook.url);
    }
    expect(
      (
        await listDeliveries(
          request(`/api/v1/webhooks/${webhook.id}/deliveries?limit=500`, "admin"),
          params({ id: webhook.id }),
        )
      ).status,
    ).toBe(400);
    expect(
      (await listDeliveries(request(`/api/v1/webhooks/${webhook.id}/deliveries`, "admin"), params({ id: webhook.id })))
        .status,
    ).toBe(200);
    expect(await database.db().webhook.findUniqueOrThrow({ where: { id: webhook.id } })).toMatchObject({
      enabled: true,
    });
  });
});
