import "server-only";
import { z } from "zod";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { UserError } from "@/lib/change/errors";
import { sendJob } from "@/lib/queue/send-job";
import { exportBundleJob } from "@/lib/queue/jobs/export-bundle";

export const requestBundleExportSchema = z.object({
  releaseId: z.string({ error: "expected the release to export" }).min(1, "expected the release to export").max(100),
});

/**
 * Queues a worker to write a release as a bundle file into GANTRY_BUNDLE_DIR
 * (`<channel>-<tag>.tar`), shown with its byte progress on the Bundles page and downloadable
 * when done. One export of a release at a time; a bundle channel's release is a bundle already.
 */
export const requestBundleExport: ChangeDefinition<typeof requestBundleExportSchema, { id: string; file: string }> = {
  permission: "bundles.export",
  schema: requestBundleExportSchema,
  async run({ input, caller, tx, audit }) {
    const release = await tx.release.findUnique({
      where: { id: input.releaseId },
      select: {
        id: true,
        tag: true,
        channel: { select: { name: true, sourceKind: true } },
        _count: { select: { images: true } },
      },
    });
    if (!release)
      throw new UserError(`releaseId: no release ${JSON.stringify(input.releaseId.slice(0, 40))}`, "releaseId", 404);
    if (release.channel.sourceKind === "bundle")
      throw new UserError(
        `releaseId: release ${release.tag} came in as a bundle file; it is on the Bundles page already`,
        "releaseId",
        409,
      );
    if (release._count.images === 0)
      throw new UserError("releaseId: this release has no images to export", "releaseId", 409);
    const busy = await tx.bundleExport.findFirst({
      where: { releaseId: release.id, status: { in: ["queued", "running"] } },
      select: { id: true },
    });
    if (busy) throw new UserError(`releaseId: release ${release.tag} is being exported already`, "releaseId", 409);
    const file = bundleFileName(release.channel.name, release.tag);
    const row = await tx.bundleExport.create({
      data: { releaseId: release.id, file, requestedById: caller.userId },
      select: { id: true },
    });
    await sendJob(exportBundleJob, { exportId: row.id }, { tx, singletonKey: row.id });
    await audit({
      action: "bundle.export_requested",
      targetType: "release",
      targetId: release.id,
      detail: { after: { file, channel: release.channel.name, tag: release.tag } },
    });
    return { id: row.id, file };
  },
};

/** `<channel>-<tag>.tar`, with anything but letters, digits, `.`, `_` and `-` made a `-`. */
export function bundleFileName(channel: string, tag: string): string {
  return (
    `${channel}-${tag}`
      .replace(/[^A-Za-z0-9._-]+/g, "-")
      .replace(/^[.-]+/, "")
      .slice(0, 200) + ".tar"
  );
}
