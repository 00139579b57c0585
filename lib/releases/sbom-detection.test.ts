import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChange } from "@/lib/change/run-change";
import { previewPromotionFor } from "@/lib/promotions/preview-promotion";
import { pushCosignArtifacts } from "@/test/fixtures/cosign-artifacts";
import { removeBuiltImages, seedImage, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { pushReferrer } from "@/test/fixtures/test-sigstore";
import { setupTestDatabase } from "@/test/support/database";
import { client, connectRegistry, operator } from "@/test/support/promotion-test-kit";
import { listReleases } from "./channel-view";
import { createChannel } from "./create-channel";
import { openSbomDownload } from "./open-sbom-download";
import { syncChannel } from "./sync-channel";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
setupTestDatabase();

const components = ["vendor/api", "vendor/db", "vendor/web"];
let source: RunningRegistry;
let target: RunningRegistry;
let channelId: string;
let targetId: string;
const built: Record<string, BuiltImage> = {};
const spdx = (packages: number) =>
  Buffer.from(
    JSON.stringify({
      spdxVersion: "SPDX-2.3",
      name: "web",
      packages: Array.from({ length: packages }, (_, i) => ({ SPDXID: `SPDXRef-${i}`, name: `pkg-${i}` })),
    }),
  );
let spdxReferrer: { bytes: Buffer; digest: string };

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  for (const repository of components)
    built[repository] = await seedImage(source, repository, "1.0.0", { layers: [{ size: 1024, seed: repository }] });
  // vendor/api: cosign's tags, an SPDX .sbom of 3 packages and an SLSA provenance .att.
  await pushCosignArtifacts(source, "vendor/api", built["vendor/api"]!.manifestDigest, {
    sbom: true,
    sbomPackages: 3,
    attestations: 1,
  });
  // vendor/web: OCI 1.1 referrers, an SPDX document, a CycloneDX one and an in-toto statement with an SPDX predicate.
  const subject = {
    digest: built["vendor/web"]!.manifestDigest,
    size: 0,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
  };
  const web = spdx(5);
  spdxReferrer = {
    bytes: web,
    digest: await pushReferrer(source, "vendor/web", subject, { artifactType: "application/spdx+json", document: web }),
  };
  await pushReferrer(source, "vendor/web", subject, {
    artifactType: "application/vnd.cyclonedx+json",
    document: Buffer.from(JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.5", components: [{}, {}] })),
  });
  await pushReferrer(source, "vendor/web", subject, {
    artifactType: "application/vnd.in-toto+json",
    document: Buffer.from(
      JSON.stringify({
        _type: "https://in-toto.io/Statement/v1",
        predicateType: "https://spdx.dev/Document",
        subject: [{ name: "vendor/web", digest: { sha256: subject.digest.slice(7) } }],
        predicate: JSON.parse(spdx(4).toString()),
      }),
    ),
  });
  const sourceId = await connectRegistry("vendor", source.host);
  targetId = await connectRegistry("private", target.host);
  const created = await runChange(
    createChannel,
    operator,
    { name: "sboms", sourceRegistryId: sourceId, components, tagPattern: "^\\d+\\.\\d+\\.\\d+$", ordering: "semver" },
    client,
  );
  if (!created.ok) throw new Error(created.error);
  channelId = created.data.id;
}, 180_000);

afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  await removeBuiltImages();
});

describe("SBOMs and attestations of release images", () => {
  it("are found at sync with their package counts, and each can be downloaded from the source", async () => {
    const synced = await runChange(syncChannel, operator, { id: channelId }, client);
    if (!synced.ok) throw new Error(synced.error);
    const [release] = await listReleases(channelId);
    const sboms = Object.fromEntries(release!.images.map((image) => [image.repository, image.sboms]));
    expect(sboms["vendor/api"]).toEqual([
      expect.objectContaining({ kind: "sbom", format: "spdx", via: "cosign", packages: 3 }),
      expect.objectContaining({
        kind: "attestation",
        format: "in-toto",
        via: "cosign",
        packages: null,
        predicateType: "https://slsa.dev/provenance/v0.2",
      }),
    ]);
    expect(sboms["vendor/web"]).toEqual([
      expect.objectContaining({ kind: "sbom", format: "spdx", via: "referrer", packages: 5 }),
      expect.objectContaining({ kind: "sbom", format: "cyclonedx", via: "referrer", packages: 2 }),
      expect.objectContaining({
        kind: "attestation",
        format: "in-toto",
        via: "referrer",
        packages: 4,
        predicateType: "https://spdx.dev/Document",
      }),
    ]);
    expect(sboms["vendor/db"]).toEqual([]);

    const download = await openSbomDownload({
      releaseId: release!.id,
      component: "vendor/web",
      digest: spdxReferrer.digest,
    });
    expect(download.mediaType).toBe("application/spdx+json");
    const bytes = Buffer.from(await new Response(download.body).arrayBuffer());
    expect(bytes.equals(spdxReferrer.bytes)).toBe(true);
    // Only a document the sync found for that image: not any blob of the repository.
    await expect(
      openSbomDownload({
        releaseId: release!.id,
        component: "vendor/web",
        digest: built["vendor/web"]!.blobs[0]!.digest,
      }),
    ).rejects.toThrow(/no SBOM or attestation/);
  });

  it("are listed in the plan: cosign tags as before, SBOM referrers with their package counts", async () => {
    const [release] = await listReleases(channelId);
    const plan = await previewPromotionFor(operator, { releaseId: release!.id, targetRegistryId: targetId });
    if (!plan.ok) throw new Error(plan.error);
    const byComponent = Object.fromEntries(plan.data.images.map((image) => [image.component, image]));
    expect(byComponent["vendor/api"]!.signatures!.map((s) => s.kind).sort()).toEqual(["attestation", "sbom"]);
    expect(byComponent["vendor/web"]!.referrers).toEqual([
      { kind: "sbom", format: "spdx", packages: 5 },
      { kind: "sbom", format: "cyclonedx", packages: 2 },
      { kind: "attestation", format: "in-toto", packages: 4 },
    ]);
    expect(byComponent["vendor/db"]!.referrers).toEqual([]);
  });
});
