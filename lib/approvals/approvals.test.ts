import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as approveRoute } from "@/app/api/v1/promotions/[id]/approve/route";
import { runChange, type Caller } from "@/lib/change/run-change";
import { createApiToken } from "@/lib/auth/api-tokens";
import type { Role } from "@/lib/auth/roles";
import { db } from "@/lib/db/prisma";
import { createPromotion } from "@/lib/promotions/create-promotion";
import { client, connectRegistry, createRelease, waitForPromotion } from "@/test/support/promotion-test-kit";
import { promoteImageJob } from "@/lib/queue/jobs/promote-image";
import { seedImage, skopeoInspectDigest, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import { createWebhook } from "@/lib/webhooks/create-webhook";
import { runWorker, type RunningWorker } from "@/worker/run-worker";
import { setRegistryApprovalPolicy } from "./approval-policy";
import { approvePromotion, overrideApproval, rejectPromotion } from "./decide-approval";
import { expireApprovalRequests } from "./expire-approval-requests";
import { withdrawApprovalRequest } from "./withdraw-approval-request";
import { countApprovalsAwaiting, listApprovalRequests } from "./list-approval-requests";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
process.env.GANTRY_ALLOW_LOOPBACK_WEBHOOKS = "1";
const database = setupTestDatabase();

let source: RunningRegistry;
let target: RunningRegistry;
let worker: RunningWorker;
let sourceId: string;
let targetId: string;
let releaseId: string;
const built: Record<string, BuiltImage> = {};
const people: Record<string, Caller & { userId: string }> = {};

async function person(name: string, role: Role): Promise<Caller & { userId: string }> {
  const email = `${name}@example.com`;
  const user = await db().user.create({ data: { email, role, name } });
  return (people[name] = { userId: user.id, email, role });
}

async function requestPromotion(prefix: string): Promise<string> {
  const result = await runChange(
    createPromotion,
    people.requester!,
    { releaseId, targetRegistryId: targetId, repositoryPrefix: prefix },
    client,
  );
  if (!result.ok) throw new Error(result.error);
  expect(result.data.status).toBe("awaiting_approval");
  return result.data.id;
}

const decide = (definition: typeof approvePromotion, who: Caller, promotionId: string, comment = "") =>
  runChange(definition, who, { promotionId, comment }, client);

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  built.api = await seedImage(source, "vendor/api", "1.0", { layers: [{ size: 256 * 1024, seed: "approve-api" }] });
  built.web = await seedImage(source, "vendor/web", "1.0", { layers: [{ size: 256 * 1024, seed: "approve-web" }] });
  sourceId = await connectRegistry("vendor", source.host);
  targetId = await connectRegistry("private", target.host);
  await db().registry.update({ where: { id: targetId }, data: { approvalsRequired: 2 } });
  releaseId = await createRelease(sourceId, "1.0", [
    { repository: "vendor/api", built: built.api },
    { repository: "vendor/web", built: built.web },
  ]);
  await person("requester", "operator");
  await person("alice", "approver");
  await person("bob", "approver");
  await person("root", "admin");
  await person("olga", "operator");
  worker = await runWorker({ databaseUrl: database.url(), definitions: [promoteImageJob] });
});

afterAll(async () => {
  await worker?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
});

describe("approvals", () => {
  it("waits for two approvers; the requester and operators are refused by the server; then it runs", async () => {
    const id = await requestPromotion("two/");
    expect(await countApprovalsAwaiting({ id: people.alice!.userId, role: "approver" })).toBe(1);
    expect(await countApprovalsAwaiting({ id: people.requester!.userId, role: "operator" })).toBe(0);

    // The requester cannot approve their own request, even with an approver's role at the API.
    const requesterAsApprover = { ...people.requester!, role: "approver" as const };
    expect(await decide(approvePromotion, requesterAsApprover, id)).toMatchObject({
      ok: false,
      status: 403,
      error: expect.stringContaining("you requested this promotion"),
    });
    expect(await decide(approvePromotion, people.olga!, id)).toMatchObject({ ok: false, status: 403 });

    const first = await decide(approvePromotion, people.alice!, id, "looks right");
    expect(first).toMatchObject({
      ok: true,
      data: {
        status: "awaiting_approval",
        approvals: [{ email: "alice@example.com", comment: "looks right" }],
        satisfied: false,
      },
    });
    expect((await db().promotion.findUniqueOrThrow({ where: { id } })).status).toBe("awaiting_approval");
    expect(await db().promotionImage.count({ where: { promotionId: id, status: { not: "pending" } } })).toBe(0);

    // The second approver decides through the API with a token of their own, minted at the
    // command line (only an admin may create tokens in the console, and only for themselves).
    const created = await runChange(
      createApiToken,
      { userId: null, email: "cli", role: "admin" },
      { userId: people.bob!.userId, name: "bob-ci", role: "approver" },
      client,
    );
    if (!created.ok) throw new Error(created.error);
    const token = created.data;
    const response = await approveRoute(
      new Request(`http://gantry.test/api/v1/promotions/${id}/approve`, {
        method: "POST",
        headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
        body: JSON.stringify({ comment: "ok" }),
      }),
      { params: Promise.resolve({ id }) },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "queued", satisfied: true });

    const done = await waitForPromotion(id);
    expect(done.status).toBe("succeeded");
    expect(await skopeoInspectDigest(`${target.host}/two/api:1.0`)).toBe(built.api!.manifestDigest);
    const actions = (await db().auditEvent.findMany({ where: { targetId: id }, orderBy: { id: "asc" } })).map(
      (e) => e.action,
    );
    expect(actions).toEqual(expect.arrayContaining(["promotion.created", "approval.approved", "promotion.approved"]));
    expect(actions.filter((a) => a === "approval.approved")).toHaveLength(2);
  });

  it("voids earlier approvals when a re-sync changes a digest, and says why", async () => {
    const id = await requestPromotion("void/");
    expect(await decide(approvePromotion, people.alice!, id)).toMatchObject({
      ok: true,
      data: { approvals: [{ email: "alice@example.com" }] },
    });

    // The vendor re-pushed 1.0 of vendor/web: the sync stores the new digest.
    const repushed = await seedImage(source, "vendor/web", "1.0", {
      layers: [{ size: 256 * 1024, seed: "approve-web-repushed" }],
    });
    await db().releaseImage.updateMany({
      where: { releaseId, repository: "vendor/web" },
      data: { digest: repushed.manifestDigest },
    });

    const [request] = (await listApprovalRequests({ id: people.bob!.userId, role: "approver" })).filter(
      (r) => r.state.promotionId === id,
    );
    expect(request!.state.approvals).toEqual([]);
    expect(request!.state.void).toMatchObject([
      { email: "alice@example.com", reason: expect.stringContaining("vendor/web") },
    ]);
    expect(request!.state.planChanged).toEqual([
      { component: "vendor/web", from: built.web!.manifestDigest, to: repushed.manifestDigest },
    ]);

    // Bob's approval is of the new plan; Alice's old one still does not count.
    const afterBob = await decide(approvePromotion, people.bob!, id);
    expect(afterBob).toMatchObject({
      ok: true,
      data: {
        status: "awaiting_approval",
        satisfied: false,
        approvals: [{ email: "bob@example.com" }],
        void: [{ email: "alice@example.com" }],
      },
    });
    expect(
      (await db().promotionImage.findFirstOrThrow({ where: { promotionId: id, component: "vendor/web" } })).digest,
    ).toBe(repushed.manifestDigest);
    expect(await db().auditEvent.count({ where: { targetId: id, action: "promotion.plan_changed" } })).toBe(1);

    const afterAlice = await decide(approvePromotion, people.alice!, id);
    expect(afterAlice).toMatchObject({ ok: true, data: { status: "queued" } });
    const done = await waitForPromotion(id);
    expect(done.status).toBe("succeeded");
    expect(await skopeoInspectDigest(`${target.host}/void/web:1.0`)).toBe(repushed.manifestDigest);
  });

  it("a rejection ends the request; an admin override needs a written reason and is audited", async () => {
    const hook = await runChange(
      createWebhook,
      people.root!,
      {
        name: "chat",
        url: "http://127.0.0.1:9/hook",
        events: ["promotion.approved", "promotion.rejected"],
        format: "json",
      },
      client,
    );
    expect(hook.ok).toBe(true);
    const rejected = await requestPromotion("rejected/");
    expect(await decide(rejectPromotion, people.alice!, rejected, "wrong target")).toMatchObject({
      ok: true,
      data: { status: "rejected" },
    });
    // The webhook hears it, written in the same transaction as the rejection.
    expect(await db().webhookDelivery.findFirst({ where: { event: "promotion.rejected" } })).toMatchObject({
      payload: { promotion: { id: rejected }, data: { by: "alice@example.com", comment: "wrong target" } },
    });
    expect(await decide(approvePromotion, people.bob!, rejected)).toMatchObject({
      ok: false,
      status: 409,
      error: expect.stringContaining("rejected"),
    });

    const overridden = await requestPromotion("override/");
    expect(
      await runChange(overrideApproval, people.root!, { promotionId: overridden, reason: "urgent" }, client),
    ).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { reason: expect.stringContaining("at least 10 characters") },
    });
    expect(
      await runChange(
        overrideApproval,
        people.alice!,
        { promotionId: overridden, reason: "an approver is not an admin" },
        client,
      ),
    ).toMatchObject({ ok: false, status: 403 });
    expect(
      await runChange(
        overrideApproval,
        people.root!,
        { promotionId: overridden, reason: "security fix must ship tonight" },
        client,
      ),
    ).toMatchObject({ ok: true, data: { status: "queued" } });
    expect(
      await db().auditEvent.findFirst({ where: { targetId: overridden, action: "approval.override" } }),
    ).toMatchObject({ actorLabel: "root@example.com", detail: { comment: "security fix must ship tonight" } });
    expect((await waitForPromotion(overridden)).status).toBe("succeeded");
    expect(await db().webhookDelivery.findFirst({ where: { event: "promotion.approved" } })).toMatchObject({
      payload: { promotion: { id: overridden }, data: { override: true } },
    });
  });

  it("requests nobody decides expire and end rejected", async () => {
    const id = await requestPromotion("expired/");
    await db().promotion.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await decide(approvePromotion, people.alice!, id)).toMatchObject({
      ok: false,
      status: 409,
      error: expect.stringContaining("expired"),
    });
    expect(await expireApprovalRequests()).toBe(1);
    expect((await db().promotion.findUniqueOrThrow({ where: { id } })).status).toBe("rejected");
    expect(await db().auditEvent.count({ where: { targetId: id, action: "promotion.expired" } })).toBe(1);
  });

  it("the requester withdraws their own request; nobody else can, and it cannot be decided after", async () => {
    const id = await requestPromotion("withdrawn/");
    const withdraw = (who: Caller) => runChange(withdrawApprovalRequest, who, { promotionId: id, comment: "" }, client);
    // An operator who did not ask, and an approver: neither may take someone else's request back.
    expect(await withdraw(people.olga!)).toMatchObject({
      ok: false,
      status: 403,
      error: expect.stringContaining("only the person who requested"),
    });
    expect(await withdraw(people.alice!)).toMatchObject({ ok: false, status: 403 });
    expect(await withdraw(people.requester!)).toMatchObject({ ok: true, data: { status: "withdrawn" } });
    expect(await db().promotion.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "withdrawn",
      finishedAt: expect.any(Date),
    });
    expect(await db().auditEvent.findFirst({ where: { targetId: id, action: "promotion.withdrawn" } })).toMatchObject({
      actorLabel: "requester@example.com",
      detail: { before: { status: "awaiting_approval" }, after: { status: "withdrawn" } },
    });
    expect(await decide(approvePromotion, people.alice!, id)).toMatchObject({
      ok: false,
      status: 409,
      error: expect.stringContaining("withdrawn"),
    });
    expect(await withdraw(people.requester!)).toMatchObject({ ok: false, status: 409 });
    expect(await db().promotionImage.count({ where: { promotionId: id, status: { not: "pending" } } })).toBe(0);
  });

  it("counts and lists several waiting requests at once: those awaiting you, not those you approved or that expired", async () => {
    const alice = { id: people.alice!.userId, role: "approver" as const };
    const bob = { id: people.bob!.userId, role: "approver" as const };
    const [aliceBefore, bobBefore] = [await countApprovalsAwaiting(alice), await countApprovalsAwaiting(bob)];
    const ids = [
      await requestPromotion("many-a/"),
      await requestPromotion("many-b/"),
      await requestPromotion("many-c/"),
    ];
    expect(await decide(approvePromotion, people.alice!, ids[0]!)).toMatchObject({ ok: true });
    await db().promotion.update({ where: { id: ids[2]! }, data: { expiresAt: new Date(Date.now() - 1000) } });

    expect(await countApprovalsAwaiting(alice)).toBe(aliceBefore + 1);
    expect(await countApprovalsAwaiting(bob)).toBe(bobBefore + 2);
    const listed = (await listApprovalRequests(bob)).filter((r) => ids.includes(r.state.promotionId));
    expect(listed.map((r) => r.state.promotionId)).toEqual([ids[0], ids[1]]);
    expect(listed.map((r) => r.awaitsYou)).toEqual([true, true]);
    expect(listed.map((r) => r.state.approvals.map((a) => a.email))).toEqual([["alice@example.com"], []]);
    const forAlice = (await listApprovalRequests(alice)).filter((r) => ids.includes(r.state.promotionId));
    expect(forAlice.map((r) => r.awaitsYou)).toEqual([false, true]);
  });

  it("the policy is set by admins only, validated, and audited", async () => {
    expect(
      await runChange(setRegistryApprovalPolicy, people.alice!, { registryId: targetId, approvalsRequired: 0 }, client),
    ).toMatchObject({ ok: false, status: 403 });
    expect(
      await runChange(
        setRegistryApprovalPolicy,
        people.root!,
        { registryId: targetId, approvalsRequired: 1.5 },
        client,
      ),
    ).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { approvalsRequired: expect.stringContaining("whole number") },
    });
    expect(
      await runChange(setRegistryApprovalPolicy, people.root!, { registryId: targetId, approvalsRequired: 1 }, client),
    ).toMatchObject({ ok: true });
    expect(await db().auditEvent.findFirst({ where: { targetId, action: "registry.approval_policy" } })).toMatchObject({
      detail: { before: { approvalsRequired: 2 }, after: { approvalsRequired: 1 } },
    });
    expect(
      await runChange(setRegistryApprovalPolicy, people.root!, { registryId: targetId, approvalsRequired: 2 }, client),
    ).toMatchObject({ ok: true });
  });
});
