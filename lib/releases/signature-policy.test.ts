import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadApprovalState } from "@/lib/approvals/approval-state";
import { approvePromotion } from "@/lib/approvals/decide-approval";
import { runChange, type Caller } from "@/lib/change/run-change";
import { db } from "@/lib/db/prisma";
import { createPromotion } from "@/lib/promotions/create-promotion";
import { previewPromotionFor } from "@/lib/promotions/preview-promotion";
import { keyFingerprint } from "@/lib/signatures/public-keys";
import { removeBuiltImages, seedImage, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { pushCosignSignatures, signPayload, simpleSigningPayload } from "@/test/fixtures/test-sigstore";
import { setupTestDatabase } from "@/test/support/database";
import { admin, client, connectRegistry, operator, waitForPromotion } from "@/test/support/promotion-test-kit";
import { promoteImageJob } from "@/lib/queue/jobs/promote-image";
import { runWorker, type RunningWorker } from "@/worker/run-worker";
import { listReleases } from "./channel-view";
import { createChannel } from "./create-channel";
import { setSignaturePolicy } from "./signature-policy";
import { syncChannel } from "./sync-channel";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
let worker: RunningWorker;

const components = ["vendor/api", "vendor/engine", "vendor/web"];
const vendor = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const stranger = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const vendorPem = vendor.publicKey.export({ type: "spki", format: "pem" }).toString();
let source: RunningRegistry;
let target: RunningRegistry;
let sourceId: string;
let targetId: string;
let channelId: string;
const built: Record<string, BuiltImage> = {};

const sign = (repository: string, key: crypto.KeyObject = vendor.privateKey) => {
  const payload = simpleSigningPayload(`${source.host}/${repository}`, built[repository]!.manifestDigest);
  return pushCosignSignatures(source, repository, built[repository]!.manifestDigest, [
    { payload, signature: signPayload(key, payload) },
  ]);
};

async function sync() {
  const result = await runChange(syncChannel, operator, { id: channelId }, client);
  if (!result.ok) throw new Error(result.error);
  return result.data;
}

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  for (const repository of components)
    built[repository] = await seedImage(source, repository, "1.0.0", { layers: [{ size: 1024, seed: repository }] });
  sourceId = await connectRegistry("vendor", source.host);
  targetId = await connectRegistry("private", target.host);
  const created = await runChange(
    createChannel,
    operator,
    { name: "signed", sourceRegistryId: sourceId, components, tagPattern: "^\\d+\\.\\d+\\.\\d+$", ordering: "semver" },
    client,
  );
  if (!created.ok) throw new Error(created.error);
  channelId = created.data.id;
  worker = await runWorker({ databaseUrl: database.url(), definitions: [promoteImageJob] });
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
  await removeBuiltImages();
});

describe("a channel's signature policy", () => {
  it("is set by admins only, validated, and audited with key fingerprints", async () => {
    const byOperator = await runChange(
      setSignaturePolicy,
      operator,
      { channelId, policy: { mode: "keys", publicKeys: [vendorPem] } },
      client,
    );
    expect(byOperator).toMatchObject({ ok: false, status: 403 });
    const rsa = crypto
      .generateKeyPairSync("rsa", { modulusLength: 2048 })
      .publicKey.export({ type: "spki", format: "pem" });
    const bad = await runChange(
      setSignaturePolicy,
      admin,
      { channelId, policy: { mode: "keys", publicKeys: [rsa.toString()] } },
      client,
    );
    expect(bad).toMatchObject({ ok: false, status: 400 });
    expect(bad.ok ? "" : bad.error).toMatch(/rsa keys are not accepted/);
    const both = await runChange(
      setSignaturePolicy,
      admin,
      { channelId, policy: { mode: "keyless", issuer: "https://issuer.example", subject: "a", subjectPattern: "b" } },
      client,
    );
    expect(both).toMatchObject({ ok: false, status: 400 });

    const set = await runChange(
      setSignaturePolicy,
      admin,
      { channelId, policy: { mode: "keys", publicKeys: [vendorPem] } },
      client,
    );
    expect(set.ok).toBe(true);
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: "channel.signature_policy" } });
    expect(event.detail).toMatchObject({
      before: { policy: "off" },
      after: { policy: `keys ${keyFingerprint(vendorPem)}` },
    });
    expect(JSON.stringify(event.detail)).not.toContain("BEGIN PUBLIC KEY");
  });

  it("is checked at sync and stored per component: signed, unsigned, signed by someone else", async () => {
    await sign("vendor/api");
    await sign("vendor/api"); // a second signature by the same key: one signer
    await sign("vendor/engine", stranger.privateKey);
    const summary = (await sync()).summary;
    expect(summary.signatureProblems.map((p) => [p.repository, p.status])).toEqual(
      expect.arrayContaining([
        ["vendor/engine", "invalid"],
        ["vendor/web", "unsigned"],
      ]),
    );
    const [release] = await listReleases(channelId);
    const byRepo = Object.fromEntries(release!.images.map((i) => [i.repository, i.signature]));
    expect(byRepo["vendor/api"]).toMatchObject({ status: "verified", signers: [keyFingerprint(vendorPem)] });
    expect(byRepo["vendor/engine"]).toMatchObject({ status: "invalid", reason: "not signed by the policy's key" });
    expect(byRepo["vendor/web"]).toMatchObject({ status: "unsigned", signers: [] });
  });

  it("denies the plan and refuses the promotion naming the component, with nothing written", async () => {
    const [release] = await listReleases(channelId);
    const input = { releaseId: release!.id, targetRegistryId: targetId, repositoryPrefix: "team/" };
    const plan = await previewPromotionFor(operator, input);
    if (!plan.ok) throw new Error(plan.error);
    const web = plan.data.images.find((i) => i.component === "vendor/web")!;
    expect(web).toMatchObject({ status: "failed", failure: { kind: "denied" }, bytesToMove: 0 });
    expect(web.failure!.message).toBe(
      `vendor/web is unsigned; the signature policy of channel signed (keys ${keyFingerprint(vendorPem)}) requires one`,
    );
    expect(plan.data.denied).toEqual(["vendor/engine", "vendor/web"]);

    const refused = await runChange(createPromotion, operator, input, client);
    expect(refused).toMatchObject({ ok: false, status: 422 });
    expect(refused.ok ? "" : refused.error).toContain("vendor/web is unsigned");
    expect(refused.ok ? "" : refused.error).toContain("vendor/engine has no valid signature");
    expect(await db().promotion.count()).toBe(0);
  });

  it("lets a fully signed release through, and approvers see and record each signer once", async () => {
    await sign("vendor/engine");
    await sign("vendor/web");
    await db().releaseChannel.update({ where: { id: channelId }, data: { approvalsRequired: 1 } });
    const [release] = await listReleases(channelId);
    // Re-checked at plan time: the stored checks from the last sync still say otherwise.
    const created = await runChange(
      createPromotion,
      operator,
      { releaseId: release!.id, targetRegistryId: targetId, repositoryPrefix: "team/" },
      client,
    );
    if (!created.ok) throw new Error(created.error);
    expect(created.data.status).toBe("awaiting_approval");
    expect(created.data.plan.images.every((i) => i.signature?.status === "verified")).toBe(true);

    const state = await db().$transaction((tx) => loadApprovalState(tx, created.data.id));
    expect(state!.signatures).toEqual(
      components.map((component) => ({
        component,
        status: "verified",
        signers: [keyFingerprint(vendorPem)],
        reason: null,
      })),
    );
    const user = await db().user.create({ data: { email: "alice@example.com", role: "approver" } });
    const alice: Caller = { userId: user.id, email: user.email, role: "approver" };
    const approved = await runChange(approvePromotion, alice, { promotionId: created.data.id, comment: "" }, client);
    expect(approved).toMatchObject({ ok: true });
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: "approval.approved" } });
    expect(event.detail).toMatchObject({ signers: [keyFingerprint(vendorPem)] });
    expect((await waitForPromotion(created.data.id)).status).toBe("succeeded");

    // The next sync stores what the plan saw.
    await sync();
    const [after] = await listReleases(channelId);
    expect(after!.images.map((i) => i.signature?.status)).toEqual(["verified", "verified", "verified"]);
  });
});
