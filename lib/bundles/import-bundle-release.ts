import "server-only";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { AuditInput } from "@/lib/audit/record-audit-event";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { UserError } from "@/lib/change/errors";
import type { Prisma } from "@/lib/db/generated/client";
import type { Tx } from "@/lib/db/prisma";
import { isOciError } from "@/lib/oci/errors";
import { describeBundleImages, type BundleImage } from "@/lib/oci/layout/describe-bundle";
import { verifyBundle } from "@/lib/oci/layout/verify-bundle";
import { bundleFilePath } from "./bundle-dir";
import {
  importBundleFileSchema,
  importBundleReleaseSchema,
  type ImportBundleReleaseInput,
} from "./bundle-release.schema";
import { sortKey } from "@/lib/releases/tag-ordering";

export interface ImportedBundleRelease {
  channelId: string;
  releaseId: string;
  tag: string;
  channelCreated: boolean;
  /** The release was there already with the same digests: only its bundle path was refreshed. */
  unchanged: boolean;
}

interface VerifiedBundle {
  path: string;
  tag: string;
  createdAt: string;
  product: string | null;
  images: BundleImage[];
  signature: "none" | "unchecked" | "valid";
}

/**
 * `gantry bundle import FILE --channel NAME`: a bundle becomes a release of a "bundle" channel,
 * its components and digests as the bundle's manifest records them. The channel is created
 * when there is none of that name (the air-gapped side has no registry to define one from);
 * a registry channel of that name is refused. Importing the same release again only points it
 * at the new file; a release of that tag with other digests is refused.
 */
export const importBundleRelease: ChangeDefinition<
  typeof importBundleReleaseSchema,
  ImportedBundleRelease,
  VerifiedBundle
> = {
  permission: "bundles.import",
  schema: importBundleReleaseSchema,
  prepare: ({ input }) => verifiedBundle(path.resolve(input.path), "path"),
  run: ({ input, tx, audit, prepared }) => storeBundleRelease(tx, audit, input, prepared),
};

/** The Bundles page: the same, for a file of GANTRY_BUNDLE_DIR named by its file name only. */
export const importBundleFile: ChangeDefinition<typeof importBundleFileSchema, ImportedBundleRelease, VerifiedBundle> =
  {
    permission: "bundles.import",
    schema: importBundleFileSchema,
    prepare: ({ input }) => verifiedBundle(bundleFilePath(input.file), "file"),
    run: ({ input, tx, audit, prepared }) =>
      storeBundleRelease(tx, audit, { path: prepared.path, channel: input.channel }, prepared),
  };

/** Every byte hashed, and the signature checked against GANTRY_BUNDLE_TRUST_KEY when one is configured. */
async function verifiedBundle(file: string, field: string): Promise<VerifiedBundle> {
  const keyPath = process.env.GANTRY_BUNDLE_TRUST_KEY;
  const publicKeyPem = keyPath ? await readFile(keyPath, "utf8") : undefined;
  let result;
  try {
    result = await verifyBundle(file, { publicKeyPem });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || /no such file/.test(String(error)))
      throw new UserError(`${field}: no bundle at ${path.basename(file)}`, field, 404);
    throw error;
  }
  if (!result.ok || !result.bundle)
    throw new UserError(
      `${field}: the bundle is damaged or not a bundle: ${result.problems[0] ?? "unreadable"}`,
      field,
      422,
    );
  const bundle = result.bundle;
  let images: BundleImage[];
  try {
    images = await describeBundleImages(bundle);
  } catch (error) {
    if (isOciError(error)) throw new UserError(`${field}: ${error.message}`, field, 422);
    throw error;
  }
  const tags = [...new Set(images.map((i) => i.tag))];
  const tag = bundle.manifest.release ?? (tags.length === 1 ? tags[0]! : null);
  if (!tag)
    throw new UserError(
      `${field}: the bundle names no release and its components carry different tags (${tags.join(", ")})`,
      field,
      422,
    );
  if (new Set(images.map((i) => i.repository)).size !== images.length)
    throw new UserError(
      `${field}: the bundle carries one repository twice; a release has one image per component`,
      field,
      422,
    );
  return {
    path: file,
    tag,
    createdAt: bundle.manifest.createdAt,
    product: bundle.manifest.product,
    images,
    signature: result.signature,
  };
}

async function storeBundleRelease(
  tx: Tx,
  audit: (event: AuditInput) => Promise<void>,
  input: ImportBundleReleaseInput,
  bundle: VerifiedBundle,
): Promise<ImportedBundleRelease> {
  const repositories = bundle.images.map((i) => i.repository);
  let channel = await tx.releaseChannel.findUnique({ where: { name: input.channel } });
  let channelCreated = false;
  if (channel && channel.sourceKind !== "bundle")
    throw new UserError(
      `channel: ${channel.name} syncs from a registry; import into a bundle channel (a new name creates one)`,
      "channel",
      409,
    );
  if (!channel) {
    channel = await tx.releaseChannel.create({
      data: {
        name: input.channel,
        sourceKind: "bundle",
        sourceRegistryId: null,
        components: repositories,
        tagPattern: ".*",
        ordering: "pushed",
        syncIntervalMinutes: 0,
      },
    });
    channelCreated = true;
    await audit({
      action: "channel.created",
      targetType: "channel",
      targetId: channel.id,
      detail: { after: { name: channel.name, sourceKind: "bundle", components: repositories } },
    });
  } else if (repositories.some((r) => !channel!.components.includes(r))) {
    await tx.releaseChannel.update({
      where: { id: channel.id },
      data: { components: [...new Set([...channel.components, ...repositories])] },
    });
  }
  // Imports into one channel queue here, so exactly one release ends up latest.
  await tx.$queryRaw`SELECT id FROM "ReleaseChannel" WHERE id = ${channel.id} FOR UPDATE`;

  const existing = await tx.release.findUnique({
    where: { channelId_tag: { channelId: channel.id, tag: bundle.tag } },
    include: { images: true },
  });
  const file = path.basename(bundle.path);
  const images = bundle.images.map((i) => ({ repository: i.repository, digest: i.digest }));
  if (existing) {
    const same =
      existing.images.length === bundle.images.length &&
      bundle.images.every((i) => existing.images.some((e) => e.repository === i.repository && e.digest === i.digest));
    if (!same)
      throw new UserError(
        `channel: release ${bundle.tag} of ${channel.name} was imported before with other digests; a release's digests never change`,
        "channel",
        409,
      );
    await tx.release.update({ where: { id: existing.id }, data: { bundlePath: bundle.path } });
    await audit({
      action: "release.imported",
      targetType: "release",
      targetId: existing.id,
      detail: { after: { tag: bundle.tag, channel: channel.name, file, images }, unchanged: true },
    });
    return { channelId: channel.id, releaseId: existing.id, tag: bundle.tag, channelCreated, unchanged: true };
  }

  const key = sortKey(bundle.tag, "pushed", { created: bundle.createdAt });
  const created = await tx.release.create({
    data: {
      channelId: channel.id,
      tag: bundle.tag,
      sortKey: key.ok ? key.key : `0000${bundle.tag}`,
      bundlePath: bundle.path,
      images: {
        create: bundle.images.map((i) => ({
          repository: i.repository,
          digest: i.digest,
          mediaType: i.mediaType,
          platforms: i.platforms,
          size: BigInt(i.size),
          referrers: i.referrers as unknown as Prisma.InputJsonArray,
        })),
      },
    },
  });
  const newest = await tx.release.findFirst({
    where: { channelId: channel.id },
    orderBy: { sortKey: "desc" },
    select: { id: true },
  });
  await tx.release.updateMany({ where: { channelId: channel.id, latest: true }, data: { latest: false } });
  if (newest) await tx.release.update({ where: { id: newest.id }, data: { latest: true } });
  await audit({
    action: "release.imported",
    targetType: "release",
    targetId: created.id,
    detail: {
      after: { tag: bundle.tag, channel: channel.name, file, images },
      product: bundle.product,
      bundleCreatedAt: bundle.createdAt,
      signature: bundle.signature,
      referrers: bundle.images.reduce((n, i) => n + i.referrers.length, 0),
    },
  });
  return { channelId: channel.id, releaseId: created.id, tag: bundle.tag, channelCreated, unchanged: false };
}
