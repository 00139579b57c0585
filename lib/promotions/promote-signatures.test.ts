import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChange } from "@/lib/change/run-change";
import { promoteImageJob } from "@/lib/queue/jobs/promote-image";
import { updateChannel } from "@/lib/releases/update-channel";
import { pushCosignArtifacts } from "@/test/fixtures/cosign-artifacts";
import { removeBuiltImages, seedImage, skopeoInspectDigest, skopeoListTags } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import {
  admin,
  client,
  connectRegistry,
  createRelease,
  operator,
  promote,
  waitForPromotion,
} from "@/test/support/promotion-test-kit";
import { runWorker, type RunningWorker } from "@/worker/run-worker";
import { previewPromotionFor } from "./preview-promotion";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();

let source: RunningRegistry;
let target: RunningRegistry;
let worker: RunningWorker;
let targetId: string;
let releaseId: string;
let artifacts: Record<string, string>;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  const built = await seedImage(source, "vendor/api", "2.0", { layers: [{ size: 5000, seed: "signed-api" }] });
  artifacts = await pushCosignArtifacts(source, "vendor/api", built.manifestDigest, { signatures: 2, attestations: 1 });
  const sourceId = await connectRegistry("vendor", source.host);
  targetId = await connectRegistry("private", target.host);
  releaseId = await createRelease(sourceId, "2.0", [{ repository: "vendor/api", built }]);
  worker = await runWorker({ databaseUrl: database.url(), definitions: [promoteImageJob] });
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
  await removeBuiltImages();
});

describe("promoting a signed release", () => {
  it("plans and copies the cosign tags by default, exact digests at the target (skopeo), shown on the promotion", async () => {
    const preview = await previewPromotionFor(operator, {
      releaseId,
      targetRegistryId: targetId,
      repositoryPrefix: "a/",
    });
    if (!preview.ok) throw new Error(preview.error);
    expect(preview.data.images[0]!.signatures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "signature", count: 2 }),
        expect.objectContaining({ kind: "attestation", count: 1 }),
      ]),
    );

    const view = await waitForPromotion(
      await promote({ releaseId, targetRegistryId: targetId, repositoryPrefix: "a/" }),
    );
    expect(view.status).toBe("succeeded");
    const shown = view.images[0]!.signatures;
    expect(Object.fromEntries(shown.map((s) => [s.tag, s.digest]))).toEqual(artifacts);
    const tags = await skopeoListTags(`${target.host}/a/api`, { tlsVerify: false });
    expect(tags.sort()).toEqual(["2.0", ...Object.keys(artifacts)].sort());
    for (const [tag, digest] of Object.entries(artifacts)) {
      expect(await skopeoInspectDigest(`${target.host}/a/api:${tag}`, { tlsVerify: false })).toBe(digest);
    }
  });

  it("leaves them behind when the channel turns copying signatures off", async () => {
    const release = await database.db().release.findUniqueOrThrow({ where: { id: releaseId } });
    const updated = await runChange(updateChannel, admin, { id: release.channelId, copySignatures: false }, client);
    expect(updated).toMatchObject({ ok: true, data: { copySignatures: false } });

    const preview = await previewPromotionFor(operator, {
      releaseId,
      targetRegistryId: targetId,
      repositoryPrefix: "b/",
    });
    if (!preview.ok) throw new Error(preview.error);
    expect(preview.data.images[0]!.signatures).toEqual([]);
    const view = await waitForPromotion(
      await promote({ releaseId, targetRegistryId: targetId, repositoryPrefix: "b/" }),
    );
    expect(view.status).toBe("succeeded");
    expect(view.images[0]!.signatures).toEqual([]);
    expect(await skopeoListTags(`${target.host}/b/api`, { tlsVerify: false })).toEqual(["2.0"]);
  });
});
