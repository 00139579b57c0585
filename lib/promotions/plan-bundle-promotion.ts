import "server-only";
import path from "node:path";
import { UserError } from "@/lib/change/errors";
import { isOciError } from "@/lib/oci/errors";
import { splitName } from "@/lib/oci/layout/describe-bundle";
import { planBundleImport } from "@/lib/oci/layout/plan-bundle-import";
import { openBundle, type OpenedBundle } from "@/lib/oci/layout/read-bundle";
import { parseReference } from "@/lib/oci/reference";
import { redact } from "@/lib/oci/redact";
import { existingRepositories } from "./existing-repositories";
import { openPromotionTarget } from "./open-promotion-registries";
import type { PlannedPromotion } from "./plan-promotion";
import { countBlobs, type PromotionPlan, type PromotionPlanImage } from "./promotion-plan";
import type { PromotionInput } from "./promotion.schema";
import { mapRepository, mappingFromInput } from "./repository-mapping";

interface BundleRelease {
  id: string;
  tag: string;
  bundlePath: string | null;
  images: { repository: string; digest: string }[];
}

/**
 * planPromotion for a release imported from a bundle: the bundle file stands where the source
 * registry would (its manifests read, digests checked), the target is asked what it has. The
 * signatures a bundle carries go along as referrers; the bundle's own signature was checked
 * at import (GANTRY_BUNDLE_TRUST_KEY).
 */
export async function planBundlePromotion(args: {
  input: PromotionInput;
  release: BundleRelease;
  target: { id: string; sizeLimitBytes: bigint | null };
  signal?: AbortSignal;
}): Promise<PlannedPromotion> {
  const { input, release, target, signal } = args;
  const bundle = await openReleaseBundle(release, "releaseId");
  const components = bundleComponentsOf(bundle, release, "releaseId");
  const opened = await openPromotionTarget(target.id, {
    retry: { attempts: 2, maxDelayMs: 1_000, maxRetryAfterMs: 2_000 },
  });
  try {
    const mapping = mappingFromInput(input);
    const file = path.basename(release.bundlePath!);
    const items = release.images.map((image, index) => {
      const repository = mapRepository(image.repository, mapping, { namespace: opened.adapter.namespace });
      const name = components[index]!;
      return {
        component: image.repository,
        repository,
        digest: image.digest,
        name,
        source: bundleSourceRef(file, name),
        target: `${opened.adapter.registry}/${repository}:${release.tag}`,
      };
    });
    const limitBytes = target.sizeLimitBytes === null ? null : Number(target.sizeLimitBytes);
    const planned = await planBundleImport({
      bundle,
      target: opened.client,
      targets: items.map((i) => ({ name: i.name, target: parseReference(i.target) })),
      ...(limitBytes === null ? {} : { sizeLimitBytes: limitBytes }),
      signal,
    });
    const existing = await existingRepositories(
      opened,
      items.map((i) => i.repository),
      signal,
    );
    const images = items.map((item, index): PromotionPlanImage => {
      const plan = planned[index]!;
      return {
        component: item.component,
        source: item.source,
        target: item.target,
        digest: item.digest,
        size: plan.size ?? 0,
        repositoryExists: existing.has(item.repository),
        blobs: countBlobs(plan),
        bytesToMove: plan.bytesToMove,
        status: plan.status,
        signatures: [],
        signature: null,
        failure: plan.failure
          ? { kind: plan.failure.kind, message: redact(plan.failure.message, opened.secrets()) }
          : null,
      };
    });
    const plan: PromotionPlan = {
      images,
      repositoriesToCreate: [...new Set(items.filter((i) => !existing.has(i.repository)).map((i) => i.repository))],
      bytesToMove: images.reduce((sum, i) => sum + i.bytesToMove, 0),
      sizeLimit: {
        limitBytes,
        exceeded: images.filter((i) => i.failure?.kind === "too_large").map((i) => i.component),
      },
      upToDate: images.every((i) => i.status === "up_to_date"),
      signaturePolicy: null,
      denied: [],
    };
    return { plan, release: { id: release.id, tag: release.tag, images: release.images }, targetRegistryId: target.id };
  } finally {
    await opened.close();
  }
}

/** `oci-archive:release-1.2.tar:vendor/api:1.2`: where a bundle release's image is read from, as skopeo would name it. */
export function bundleSourceRef(file: string, name: string): string {
  return `oci-archive:${file}:${name}`;
}

/** The release's bundle file, opened (its metadata only); a UserError naming `field` when it is gone or unreadable. */
export async function openReleaseBundle(release: { tag: string; bundlePath: string | null }, field: string) {
  if (!release.bundlePath)
    throw new UserError(`${field}: release ${release.tag} has no bundle file recorded; import it again`, field, 409);
  try {
    return await openBundle(release.bundlePath);
  } catch (error) {
    const why = isOciError(error) ? error.message : "the file cannot be read";
    throw new UserError(
      `${field}: the bundle file ${path.basename(release.bundlePath)} of release ${release.tag} cannot be used: ${why.replace(release.bundlePath, path.basename(release.bundlePath))}`,
      field,
      409,
    );
  }
}

/** The bundle's component name for each release image, matched by repository and digest. */
export function bundleComponentsOf(
  bundle: OpenedBundle,
  release: { tag: string; images: { repository: string; digest: string }[] },
  field: string,
): string[] {
  return release.images.map((image) => {
    const found = bundle.manifest.components.find(
      (c) => splitName(c.name).repository === image.repository && c.digest === image.digest,
    );
    if (!found)
      throw new UserError(
        `${field}: the bundle file no longer carries ${image.repository}@${image.digest} of release ${release.tag}; import the release's bundle again`,
        field,
        409,
      );
    return found.name;
  });
}
