import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChange } from "@/lib/change/run-change";
import { promoteImageJob } from "@/lib/queue/jobs/promote-image";
import { recoverStalledImagesJob } from "@/lib/queue/jobs/promote-recover-stalled";
import { startFaultProxy, type RunningFaultProxy } from "@/test/fixtures/fault-proxy";
import { seedImage, skopeoInspectDigest, skopeoListTags, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import {
  client,
  connectRegistry,
  createRelease,
  listedAs,
  operator,
  promote,
  summaryOf,
  waitForPromotion,
} from "@/test/support/promotion-test-kit";
import { runWorker, type RunningWorker } from "@/worker/run-worker";
import { movePromotionTags } from "./move-promotion-tags";
import { previewPromotionFor } from "./preview-promotion";
import { recoverStalledImages } from "./recover-stalled-images";
import { retryPromotion } from "./retry-promotion";
import { rollbackOffer } from "./rollback-offer";
import { stopPromotion } from "./stop-promotion";
import { listPromotionRows } from "./promotion-list";
import { listPromotions } from "./promotion-view";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
const KB = 1024;
const COMPONENTS = ["api", "engine", "proxy"] as const;

let source: RunningRegistry;
let target: RunningRegistry;
let proxy: RunningFaultProxy;
let worker: RunningWorker;
let targetId: string;
const releases: Record<string, string> = {};
const built: Record<string, Record<string, BuiltImage>> = { "1.0": {}, "1.1": {} };
let promotion11: string;

/** The digest each component's tag names at the target, read by skopeo (null: no such tag). */
async function tagsAt(tag: string): Promise<(string | null)[]> {
  return Promise.all(
    COMPONENTS.map(async (c) => {
      const ref = `${target.host}/team/${c}:${tag}`;
      return skopeoInspectDigest(ref).catch(async (error: unknown) => {
        if ((await skopeoListTags(ref)).includes(tag)) throw error;
        return null;
      });
    }),
  );
}

/**
 * Manifests read from the target since request `from` (through the proxy; skopeo's checks go
 * around it). The tag step PUTs the bytes the copy kept, so it reads none back.
 */
const manifestReads = (from: number) =>
  proxy.requests
    .slice(from)
    .filter((r) => r.method === "GET" && r.path.includes("/manifests/"))
    .map((r) => r.path.split("/manifests/")[1]);

const digestsOf = (version: string) => COMPONENTS.map((c) => built[version]![c]!.manifestDigest);
const input = (version: string) => ({
  releaseId: releases[version]!,
  targetRegistryId: targetId,
  repositoryPrefix: "team/",
  movingTag: "stable",
});

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  proxy = await startFaultProxy(target);
  for (const version of ["1.0", "1.1"]) {
    for (const c of COMPONENTS) {
      built[version]![c] = await seedImage(source, `vendor/${c}`, version, {
        layers: [
          { size: 64 * KB, seed: "whole-base" },
          { size: 96 * KB, seed: `whole-${c}-${version}` },
        ],
      });
    }
  }
  const sourceId = await connectRegistry("vendor", source.host);
  targetId = await connectRegistry("private", proxy.host);
  const images = (version: string) =>
    COMPONENTS.map((c) => ({ repository: `vendor/${c}`, built: built[version]![c]! }));
  releases["1.0"] = await createRelease(sourceId, "1.0", images("1.0"));
  // 1.1 belongs to the same channel as 1.0: roll back offers the channel's earlier release.
  const first = await database.db().release.findUniqueOrThrow({ where: { id: releases["1.0"] } });
  const second = await database.db().release.create({
    data: {
      channelId: first.channelId,
      tag: "1.1",
      sortKey: "1.1",
      images: {
        create: images("1.1").map(({ repository, built: b }) => ({
          repository,
          digest: b.manifestDigest,
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          platforms: ["linux/amd64"],
          size: BigInt(b.size),
        })),
      },
    },
  });
  releases["1.1"] = second.id;
  worker = await runWorker({ databaseUrl: database.url(), definitions: [promoteImageJob, recoverStalledImagesJob] });
});

afterAll(async () => {
  await worker?.stop();
  await proxy?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
});

describe("whole releases or nothing", () => {
  it("leaves every target tag where it was when the last component fails, and moves them all once it is pushed", async () => {
    const start = proxy.requests.length;
    const first = await waitForPromotion(await promote(input("1.0")));
    expect(first.status).toBe("succeeded");
    expect(first.tagsMovedAt).not.toBeNull();
    expect(await tagsAt("stable")).toEqual(digestsOf("1.0"));
    expect(await tagsAt("1.0")).toEqual(digestsOf("1.0"));

    proxy.addRule({
      match: { method: "PUT", path: /^\/v2\/team\/proxy\/manifests\// },
      times: Infinity,
      action: { kind: "status", status: 403 },
    });
    promotion11 = await promote(input("1.1"));
    const failed = await waitForPromotion(promotion11);
    expect(failed.status).toBe("failed");
    expect(failed.images.map((i) => [i.component, i.status])).toEqual([
      ["vendor/api", "pushed"],
      ["vendor/engine", "pushed"],
      ["vendor/proxy", "failed"],
    ]);
    expect(failed.tagsMovedAt).toBeNull();
    // The previous release keeps every tag; the new one has none yet, though two manifests are there by digest.
    expect(await tagsAt("stable")).toEqual(digestsOf("1.0"));
    expect(await tagsAt("1.1")).toEqual([null, null, null]);
    expect(await skopeoInspectDigest(`${target.host}/team/api@${digestsOf("1.1")[0]}`)).toBe(digestsOf("1.1")[0]);

    proxy.clearRules();
    expect(await runChange(retryPromotion, operator, { id: promotion11 }, client)).toMatchObject({ ok: true });
    const done = await waitForPromotion(promotion11, (v) => v.status === "succeeded" || v.status === "failed");
    expect(done.status).toBe("succeeded");
    expect(await tagsAt("stable")).toEqual(digestsOf("1.1"));
    expect(await tagsAt("1.1")).toEqual(digestsOf("1.1"));
    const moved = await database.db().auditEvent.findFirstOrThrow({
      where: { targetId: promotion11, action: "promotion.tags_moved" },
    });
    const detail = moved.detail as { tags: { component: string; tag: string; from: string | null; to: string }[] };
    expect(detail.tags.filter((t) => t.tag === "stable").map((t) => [t.from, t.to])).toEqual(
      COMPONENTS.map((_, i) => [digestsOf("1.0")[i], digestsOf("1.1")[i]]),
    );
    expect(manifestReads(start)).toEqual([]);
  });

  it("rolls back to the earlier release with no blob moved: the plan says the tags move back", async () => {
    const offer = await rollbackOffer(promotion11);
    expect(offer).toEqual({ tag: "1.0", input: input("1.0") });
    const plan = await previewPromotionFor(operator, offer!.input);
    if (!plan.ok) throw new Error(plan.error);
    expect(plan.data).toMatchObject({ bytesToMove: 0, tagsMoveBack: true, upToDate: false, movingTag: "stable" });
    expect(plan.data.images.map((i) => i.tags)).toEqual(
      COMPONENTS.map((_, i) => [
        { tag: "1.0", now: digestsOf("1.0")[i] },
        { tag: "stable", now: digestsOf("1.1")[i] },
      ]),
    );

    const before = proxy.requests.length;
    const started = Date.now();
    const id = await promote(offer!.input);
    const view = await waitForPromotion(id);
    const took = Date.now() - started;
    expect(view.status).toBe("succeeded");
    expect(await tagsAt("stable")).toEqual(digestsOf("1.0"));
    expect(view.totals.bytesAlreadyThere).toBe(view.totals.bytesTotal);
    const listed = await listedAs(id);
    expect(listed.summary).toEqual(summaryOf(await waitForPromotion(id)));
    expect(listed.row?.totals).toEqual(view.totals);
    const pushed = await database
      .db()
      .auditEvent.findMany({ where: { targetId: id, action: "promotion.image_pushed" }, select: { detail: true } });
    expect(pushed.map((e) => (e.detail as { bytesTransferred: number }).bytesTransferred)).toEqual([0, 0, 0]);
    // Counted at the target: no blob upload started (the plan only HEADs blobs).
    const uploads = proxy.requests.slice(before).filter((r) => r.path.includes("/blobs/") && r.method !== "HEAD");
    expect(uploads).toEqual([]);
    // The tags moved back with the manifests' bytes from this copy: none read back from the target.
    expect(manifestReads(before)).toEqual([]);
    process.stdout.write(`roll back of three components: ${took} ms, 0 bytes\n`);
    // The roll back is now the target's latest promotion; the one rolled back from offers nothing.
    expect(await rollbackOffer(promotion11)).toBeNull();
    expect((await rollbackOffer(id))?.tag).toBe("1.1");
  });

  it("fails the promotion and puts the moved tags back when one tag cannot be moved", async () => {
    proxy.addRule({
      match: { method: "PUT", path: /^\/v2\/team\/proxy\/manifests\/stable$/ },
      times: Infinity,
      action: { kind: "status", status: 403 },
    });
    const before = proxy.requests.length;
    const id = await promote(input("1.1"));
    const view = await waitForPromotion(id);
    expect(view.status).toBe("failed");
    expect(view.images.every((i) => i.status === "pushed")).toBe(true);
    expect(view.tagsFailure).toMatch(/^the tags could not be moved: /);
    expect(await tagsAt("stable")).toEqual(digestsOf("1.0"));
    // Put back with the bytes the 1.0 promotions kept: nothing read back from the target.
    expect(manifestReads(before)).toEqual([]);

    proxy.clearRules();
    expect(await runChange(retryPromotion, operator, { id }, client)).toMatchObject({ ok: true, data: { images: 3 } });
    const retried = await waitForPromotion(id, (v) => v.status === "succeeded" || v.status === "failed");
    expect(retried).toMatchObject({ status: "succeeded", tagsFailure: null });
    expect(await tagsAt("stable")).toEqual(digestsOf("1.1"));
  });

  it("re-runs a tag step its worker did not finish, once however many run it", async () => {
    await worker.stop();
    /** A promotion left as a killed worker leaves it: every image pushed, no tag moved, a while ago. */
    const abandoned = async (version: string) => {
      const id = await promote(input(version));
      await database.db().promotionImage.updateMany({
        where: { promotionId: id },
        data: { status: "pushed", finishedAt: new Date() },
      });
      await database.db()
        .$executeRaw`UPDATE "Promotion" SET status = 'running', "updatedAt" = now() - interval '10 minutes' WHERE id = ${id}`;
      return id;
    };

    const twice = await abandoned("1.0");
    const before = proxy.requests.length;
    // Only the tag step is left: a stop cannot cut it in half.
    expect(await runChange(stopPromotion, operator, { id: twice }, client)).toMatchObject({ ok: false, status: 409 });
    const results = await Promise.all([movePromotionTags(twice), movePromotionTags(twice)]);
    expect(results.sort()).toEqual(["moved", "not-due"]);
    expect(await database.db().auditEvent.count({ where: { targetId: twice, action: "promotion.tags_moved" } })).toBe(
      1,
    );
    expect((await waitForPromotion(twice)).status).toBe("succeeded");
    expect(await tagsAt("stable")).toEqual(digestsOf("1.0"));
    // These rows were never copied, so they kept no bytes (as rows from before): the manifests are read back.
    const reads = manifestReads(before);
    expect(reads.length).toBeGreaterThanOrEqual(COMPONENTS.length);
    expect(new Set(reads)).toEqual(new Set(digestsOf("1.0")));

    const recovered = await abandoned("1.1");
    const report = await recoverStalledImages();
    expect(report.tagSteps).toBe(1);
    expect((await waitForPromotion(recovered)).status).toBe("succeeded");
    expect(await tagsAt("stable")).toEqual(digestsOf("1.1"));
  });

  it("lists the promotions newest first, page by page and by status, the same way on the page and in the API", async () => {
    const all = await listPromotions({ limit: 200 });
    expect(all.promotions.length).toBeGreaterThanOrEqual(3);
    const times = all.promotions.map((p) => p.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect((await listPromotionRows({ limit: 200 })).promotions.map((p) => p.id)).toEqual(
      all.promotions.map((p) => p.id),
    );
    for (const list of [listPromotions, listPromotionRows]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page: { promotions: { id: string }[]; nextCursor: string | null } = await list({ limit: 2, cursor });
        expect(page.promotions.length).toBeLessThanOrEqual(2);
        seen.push(...page.promotions.map((p) => p.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(all.promotions.map((p) => p.id));
      expect((await list({ cursor: "no-such-promotion" })).promotions).toEqual([]);
      const succeeded = (await list({ status: "succeeded", limit: 200 })).promotions as {
        id: string;
        status: string;
      }[];
      expect(succeeded.length).toBeGreaterThan(0);
      expect(succeeded.map((p) => p.id)).toEqual(
        all.promotions.filter((p) => p.status === "succeeded").map((p) => p.id),
      );
    }
  });
});
