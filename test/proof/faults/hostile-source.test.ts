/**
 * A hostile vendor registry as the source of a release, at the promotion level: each crafted
 * answer (wrong blob bytes, an oversized manifest, invalid JSON, an index that contains
 * itself, a lying Content-Length, a trickle) ends its image failed with the right kind
 * while the honest image beside it is pushed; nothing is left pushing, no worker hangs.
 */
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRegistry, createRelease, promote } from "@/test/support/promotion-test-kit";
import { promoteImageJob } from "@/lib/queue/jobs/promote-image";
import { recoverStalledImagesJob } from "@/lib/queue/jobs/promote-recover-stalled";
import {
  invalidJsonManifest,
  jsonManifest,
  oversizedManifest,
  selfReferencingIndex,
  sha256Digest,
} from "@/test/fixtures/hostile-manifests";
import {
  startHostileRegistry,
  type BlobBehaviour,
  type HostileManifest,
  type RunningHostileRegistry,
} from "@/test/fixtures/hostile-registry";
import type { BuiltImage } from "@/test/fixtures/oci-image";
import { skopeoInspectDigest } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import { runWorker, type RunningWorker } from "@/worker/run-worker";
import { faultLog } from "./support/fault-log";
import { expectConsoleAnswers, settledPromotion } from "./support/fault-kit";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
// A blob body slower than 1 KiB/s over 2 s is cut and retried (60 s in production).
process.env.GANTRY_PROMOTION_LOW_SPEED_SECONDS = "2";
const database = setupTestDatabase();
const log = faultLog("hostile-source");

const config = Buffer.from(
  JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } }),
);
const CONFIG = sha256Digest(config);

/** An image with a 40 kB layer of its own (a shared layer would be mounted, not fetched), served as `serve` says. */
function imageWith(serve: (layer: Buffer) => BlobBehaviour) {
  const layer = crypto.randomBytes(40_000);
  const manifest = jsonManifest({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: CONFIG, size: config.length },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: sha256Digest(layer), size: layer.length }],
  });
  return {
    manifest,
    layerDigest: sha256Digest(layer),
    repo: { manifests: { "1": manifest }, blobs: { [CONFIG]: config, [sha256Digest(layer)]: serve(layer) } },
  };
}
const flip = (layer: Buffer) => Buffer.concat([layer.subarray(0, -1), Buffer.from([layer.at(-1)! ^ 1])]);
const honest = imageWith((layer) => layer);
const badDigest = imageWith(flip);

/** Component → what its repository serves and the kind its image must end with. */
const CASES: {
  repository: string;
  tried: string;
  manifest: HostileManifest;
  repo: { manifests: Record<string, HostileManifest>; blobs?: Record<string, BlobBehaviour> };
  expected: string;
  message: RegExp;
}[] = [
  {
    repository: "honest/app",
    tried: "an honest image beside the hostile ones (control)",
    ...honest,
    expected: "pushed",
    message: /^$/,
  },
  {
    repository: "bad/digest",
    tried: "a blob whose bytes do not hash to its digest",
    ...badDigest,
    expected: "digest_mismatch",
    message: /has bytes hashing to sha256:/,
  },
  {
    repository: "huge/manifest",
    tried: "a manifest over the 4 MiB limit",
    manifest: oversizedManifest(),
    repo: { manifests: { "1": oversizedManifest() } },
    expected: "too_large",
    message: /manifests over 4194304 bytes/,
  },
  {
    repository: "invalid/json",
    tried: "a manifest that is not JSON",
    manifest: invalidJsonManifest(),
    repo: { manifests: { "1": invalidJsonManifest() } },
    expected: "denied",
    message: /not a valid manifest/,
  },
  {
    repository: "self/ref",
    tried: "an index that lists itself as its own child",
    manifest: selfReferencingIndex("1")["1"]!,
    repo: { manifests: selfReferencingIndex("1") },
    expected: "digest_mismatch",
    message: /hashing to sha256:\w+, not sha256:/,
  },
  {
    repository: "short/body",
    tried: "a blob declaring a Content-Length it never sends",
    ...imageWith((layer) => ({ bytes: layer.subarray(0, 10_000), lyingContentLength: layer.length })),
    expected: "network",
    message: /source registry/,
  },
  {
    repository: "slow/blob",
    tried: "a blob trickled 1 byte every 100 ms",
    ...imageWith((layer) => ({ bytes: layer, trickleBytesPerSecond: 1 })),
    expected: "network",
    message: /source registry .*(slower than|fewer than)/,
  },
];

let hostile: RunningHostileRegistry;
let target: RunningRegistry;
let worker: RunningWorker;

beforeAll(async () => {
  hostile = await startHostileRegistry({ repos: Object.fromEntries(CASES.map((c) => [c.repository, c.repo])) });
  target = await startRegistry();
  worker = await runWorker({ databaseUrl: database.url(), definitions: [promoteImageJob, recoverStalledImagesJob] });
});

afterAll(async () => {
  log.write();
  await worker?.stop();
  await Promise.all([hostile?.stop(), target?.stop()]);
});

describe("a hostile source registry", () => {
  it("fails each hostile image with its kind, pushes the honest one, and hangs no worker", async () => {
    const sourceId = await connectRegistry("hostile-vendor", hostile.host);
    const targetId = await connectRegistry("target", target.host);
    const releaseId = await createRelease(
      sourceId,
      "1",
      CASES.map((c) => ({
        repository: c.repository,
        built: {
          manifestDigest: sha256Digest(c.manifest.body),
          size: Buffer.byteLength(c.manifest.body),
        } as BuiltImage,
      })),
    );
    const started = Date.now();
    const id = await promote({ releaseId, targetRegistryId: targetId, repositoryPrefix: "copy/" });
    const view = await settledPromotion(id, 120_000);
    const seconds = (Date.now() - started) / 1000;
    expect(view.status).toBe("failed");
    const byComponent = new Map(view.images.map((i) => [i.component, i]));
    for (const c of CASES) {
      const result = byComponent.get(c.repository)!;
      expect([c.repository, result.failure?.kind ?? result.status]).toEqual([c.repository, c.expected]);
      if (result.failure) expect(result.failure.message).toMatch(c.message);
    }
    // The honest image is at the target by digest; its tag stays unwritten, since the release as a
    // whole failed (tags move only when every component is pushed).
    const honestTarget = byComponent.get("honest/app")!.target;
    const honestDigest = sha256Digest(honest.manifest.body);
    expect(await skopeoInspectDigest(honestTarget.replace(/:1$/, `@${honestDigest}`))).toBe(honestDigest);
    const honestTag = await fetch(
      `${target.url}/v2/${honestTarget.replace(`${target.host}/`, "").replace(/:1$/, "")}/manifests/1`,
      {
        method: "HEAD",
      },
    );
    expect(honestTag.status).toBe(404);
    // Nothing of a blob with the wrong bytes reached the target.
    const badRepository = byComponent.get("bad/digest")!.target.replace(`${target.host}/`, "").replace(/:1$/, "");
    const stored = await fetch(`${target.url}/v2/${badRepository}/blobs/${badDigest.layerDigest}`, { method: "HEAD" });
    expect(stored.status).toBe(404);
    await expectConsoleAnswers();
    for (const c of CASES)
      log.add({
        area: "hostile source",
        tried: c.tried,
        cases: 1,
        outcome:
          c.expected === "pushed"
            ? "pushed by digest (confirmed by skopeo), tag left unwritten"
            : `failed: ${c.expected}`,
      });
    log.add({
      area: "hostile source",
      tried: "all of the above in one promotion (7 images, one job)",
      cases: 1,
      outcome: `settled in ${seconds.toFixed(1)} s: 1 pushed, 6 failed with their kinds, none left pushing`,
    });
  }, 150_000);
});
