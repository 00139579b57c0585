import "server-only";
import { UserError } from "@/lib/change/errors";
import { db, type Db, type Tx } from "@/lib/db/prisma";
import { findCosignArtifacts } from "@/lib/oci/cosign-tags";
import type { Digest } from "@/lib/oci/digest";
import type { SbomSummary } from "@/lib/oci/find-sboms";
import { planCopy, type ImagePlan } from "@/lib/oci/plan-copy";
import { redact } from "@/lib/oci/redact";
import {
  denialMessage,
  describePolicy,
  loadSignatureSetup,
  type SignatureSetup,
} from "@/lib/releases/signature-policy";
import { checkImageSignature } from "@/lib/signatures/check-image-signature";
import type { SignatureCheck } from "@/lib/signatures/verify-signatures";
import { existingRepositories } from "./existing-repositories";
import { openPromotionRegistries, type OpenedRegistry } from "./open-promotion-registries";
import { planBundlePromotion } from "./plan-bundle-promotion";
import {
  countBlobs,
  type PlannedReferrer,
  type PlannedSignature,
  type PromotionPlan,
  type PromotionPlanImage,
} from "./promotion-plan";
import { planTags } from "./plan-tags";
import type { PromotionInput } from "./promotion.schema";
import { mapRepository, mappingFromInput } from "./repository-mapping";

/** A plan with what creating the promotion needs besides it. */
export interface PlannedPromotion {
  plan: PromotionPlan;
  release: { id: string; tag: string; images: { repository: string; digest: string }[] };
  targetRegistryId: string;
}

/**
 * What promoting a release into a target would do, without changing anything: the target
 * repository of each component, which repositories are missing, which blobs the target has,
 * would mount or must receive, the bytes to move and the size-limit check. Only reads (GET
 * on the source, HEAD and listings on the target).
 */
export async function planPromotion(
  input: PromotionInput,
  options: { signal?: AbortSignal } = {},
): Promise<PlannedPromotion> {
  const release = await loadRelease(input.releaseId);
  const target = await db().registry.findUnique({
    where: { id: input.targetRegistryId },
    select: { id: true, sizeLimitBytes: true },
  });
  if (!target)
    throw new UserError(
      `targetRegistryId: no registry connection ${JSON.stringify(input.targetRegistryId.slice(0, 40))}`,
      "targetRegistryId",
      404,
    );
  if (release.images.length === 0)
    throw new UserError("releaseId: this release has no images to promote", "releaseId", 409);

  if (release.channel.sourceKind === "bundle" || !release.channel.sourceRegistryId)
    return planBundlePromotion({ input, release, target, signal: options.signal });
  const registries = await openPromotionRegistries(
    { sourceRegistryId: release.channel.sourceRegistryId, targetRegistryId: target.id },
    { retry: { attempts: 2, maxDelayMs: 1_000, maxRetryAfterMs: 2_000 } },
  );
  try {
    const mapping = mappingFromInput(input);
    const { source: src, target: tgt } = registries;
    const items = release.images.map((image) => {
      const repository = mapRepository(image.repository, mapping, { namespace: tgt.adapter.namespace });
      return {
        component: image.repository,
        repository,
        digest: image.digest,
        source: `${src.adapter.registry}/${image.repository}@${image.digest}`,
        target: `${tgt.adapter.registry}/${repository}:${release.tag}`,
      };
    });
    const limitBytes = target.sizeLimitBytes === null ? null : Number(target.sizeLimitBytes);
    const copyPlan = await planCopy({
      items,
      source: src.client,
      target: tgt.client,
      ...(limitBytes === null ? {} : { sizeLimitBytes: limitBytes }),
      signal: options.signal,
    });
    const setup = await loadSignatureSetup(release.channel.id);
    const checks = await checkSignatures(src, setup, items, options.signal);
    const existing = await existingRepositories(
      tgt,
      items.map((i) => i.repository),
      options.signal,
    );
    const tagPlans = await planTags(
      tgt,
      items.map((i) => ({ repository: i.repository, digest: i.digest, tag: release.tag })),
      input.movingTag,
      options.signal,
    );
    const cosignTags = release.channel.copySignatures
      ? await Promise.all(items.map((item) => signaturesOf(src, item.component, item.digest, options.signal)))
      : items.map(() => []);

    const images = items.map((item, index): PromotionPlanImage => {
      const planned = copyPlan.images[index]!;
      const signature = checks[index] ?? null;
      if (signature && signature.status !== "verified")
        return {
          ...planImage(item, planned, index),
          status: "failed",
          bytesToMove: 0,
          signature,
          failure: { kind: "denied", message: denialMessage(item.component, signature, setup) },
        };
      return {
        ...planImage(item, planned, index),
        signature,
        failure: planned.failure
          ? {
              kind: planned.failure.kind,
              message: redact(planned.failure.message, [...src.secrets(), ...tgt.secrets()]),
            }
          : null,
      };
    });
    function planImage(item: (typeof items)[number], planned: ImagePlan, index: number) {
      return {
        component: item.component,
        source: `${src.adapter.registry}/${item.component}:${release.tag}`,
        target: item.target,
        digest: item.digest,
        size: planned.size ?? 0,
        repositoryExists: existing.has(item.repository),
        blobs: countBlobs(planned),
        bytesToMove: planned.bytesToMove,
        status: planned.status,
        signatures: cosignTags[index]!,
        referrers: release.channel.copySignatures ? referrersOf(release.images[index]!.sboms) : [],
        ...tagPlans[index]!,
      };
    }
    const plan: PromotionPlan = {
      images,
      repositoriesToCreate: [...new Set(items.filter((i) => !existing.has(i.repository)).map((i) => i.repository))],
      bytesToMove: images.reduce((sum, i) => sum + i.bytesToMove, 0),
      sizeLimit: {
        limitBytes,
        exceeded: images.filter((i) => i.failure?.kind === "too_large").map((i) => i.component),
      },
      upToDate: images.every((i) => i.status === "up_to_date" && i.tags!.every((t) => t.now === i.digest)),
      movingTag: input.movingTag ?? null,
      // Every manifest already at the target and a tag pointing elsewhere: 0 bytes, the tags move back.
      tagsMoveBack:
        images.every((i) => i.atTarget && i.status !== "failed") &&
        images.some((i) => i.tags!.some((t) => t.now !== null && t.now !== i.digest)),
      signaturePolicy: setup.policy.mode === "off" ? null : describePolicy(setup.policy),
      denied: images.filter((i) => i.failure?.kind === "denied").map((i) => i.component),
    };
    return { plan, release: { id: release.id, tag: release.tag, images: release.images }, targetRegistryId: target.id };
  } finally {
    await registries.close();
  }
}

/** The release with its images in a stable order, or a 404 naming the field. */
export async function loadRelease(id: string, client: Db | Tx = db()) {
  const release = await client.release.findUnique({
    where: { id },
    select: {
      id: true,
      tag: true,
      bundlePath: true,
      channel: { select: { id: true, sourceKind: true, sourceRegistryId: true, copySignatures: true } },
      images: { select: { repository: true, digest: true, sboms: true }, orderBy: { repository: "asc" } },
    },
  });
  if (!release) throw new UserError(`releaseId: no release ${JSON.stringify(id.slice(0, 40))}`, "releaseId", 404);
  return release;
}

/** The SBOM and attestation referrers the sync found for an image (cosign's tags are read above). */
function referrersOf(stored: unknown): PlannedReferrer[] {
  if (!Array.isArray(stored)) return [];
  return (stored as SbomSummary[])
    .filter((sbom) => sbom.via === "referrer")
    .map(({ kind, format, packages }) => ({ kind, format, packages }));
}

/** The image's cosign tags at the source; a source that cannot say shows none (the copy looks again). */
async function signaturesOf(
  source: OpenedRegistry,
  repository: string,
  digest: string,
  signal?: AbortSignal,
): Promise<PlannedSignature[]> {
  try {
    const found = await findCosignArtifacts({
      client: source.client,
      repository,
      subjects: [digest as Digest],
      signal,
    });
    return found.map(({ kind, tag, digest: at, count }) => ({ kind, tag, digest: at, count }));
  } catch {
    return [];
  }
}

/** Each component's signatures, re-read at the source now; nulls when the channel's policy is off. */
async function checkSignatures(
  source: OpenedRegistry,
  setup: SignatureSetup,
  items: { component: string; digest: string }[],
  signal?: AbortSignal,
): Promise<(SignatureCheck | null)[]> {
  const policy = setup.policy;
  if (policy.mode === "off") return items.map(() => null);
  return Promise.all(
    items.map((item) =>
      checkImageSignature({
        client: source.client,
        policy,
        trustedRoot: setup.trustedRoot,
        repository: item.component,
        digest: item.digest,
        signal,
      }),
    ),
  );
}
