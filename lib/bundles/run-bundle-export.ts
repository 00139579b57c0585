import "server-only";
import fs from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { isUserError } from "@/lib/change/errors";
import { db } from "@/lib/db/prisma";
import { failureOf } from "@/lib/oci/failure";
import { exportBundle } from "@/lib/oci/layout/export-bundle";
import { log } from "@/lib/log";
import { openReleaseExport } from "@/lib/releases/open-release-export";
import { bundleDir, bundleFilePath } from "./bundle-dir";

const PROGRESS_INTERVAL_MS = 500;

/**
 * The export-bundle job: writes the release into GANTRY_BUNDLE_DIR with exportBundle (which
 * resumes a file an earlier run left), its byte progress saved twice a second for the Bundles
 * page, and the outcome recorded on the row with an audit event. A worker shutting down
 * leaves the row running and throws, so pg-boss runs it again and the export resumes.
 */
export async function runBundleExport(exportId: string, context: { signal: AbortSignal }): Promise<string> {
  const row = await db().bundleExport.findUnique({
    where: { id: exportId },
    include: { release: { select: { tag: true, channel: { select: { name: true, copySignatures: true } } } } },
  });
  if (!row || row.status === "succeeded" || row.status === "failed") return "gone";
  await db().bundleExport.update({
    where: { id: row.id },
    data: { status: "running", startedAt: row.startedAt ?? new Date(), error: null },
  });
  const { release } = row;
  let lastWrite = 0;
  let writing: Promise<unknown> = Promise.resolve();
  try {
    await mkdir(bundleDir(), { recursive: true });
    const opened = await openReleaseExport({ channel: release.channel.name, release: release.tag });
    try {
      const result = await exportBundle({
        source: opened.source,
        items: opened.items,
        referrers: release.channel.copySignatures,
        output: bundleFilePath(row.file),
        info: { gantryVersion: gantryVersion(), channel: opened.channel, release: opened.release },
        signal: context.signal,
        onProgress: (progress) => {
          const now = Date.now();
          if (now - lastWrite < PROGRESS_INTERVAL_MS && progress.bytesDone < progress.bytesTotal) return;
          lastWrite = now;
          writing = writing.then(() =>
            db()
              .bundleExport.update({
                where: { id: row.id },
                data: { bytesDone: BigInt(progress.bytesDone), bytesTotal: BigInt(progress.bytesTotal) },
              })
              .catch(() => undefined),
          );
        },
      });
      await writing;
      await finish(row.id, { status: "succeeded", bytesDone: result.size, bytesTotal: result.size }, row.file, release);
      return "succeeded";
    } finally {
      await opened.close();
    }
  } catch (error) {
    await writing;
    if (context.signal.aborted) throw error;
    // The source client scrubs its credentials from what it throws; a file error names only the bundle folder.
    const message = isUserError(error) ? error.message : failureOf(error).message;
    log.warn({ exportId, kind: failureOf(error).kind }, "bundle export failed");
    await finish(row.id, { status: "failed", error: message.split("\n")[0]!.slice(0, 500) }, row.file, release);
    return "failed";
  }
}

async function finish(
  id: string,
  outcome: { status: "succeeded"; bytesDone: number; bytesTotal: number } | { status: "failed"; error: string },
  file: string,
  release: { tag: string; channel: { name: string } },
): Promise<void> {
  await db().$transaction(async (tx) => {
    const row = await tx.bundleExport.update({
      where: { id },
      data: {
        status: outcome.status,
        finishedAt: new Date(),
        ...(outcome.status === "succeeded"
          ? { bytesDone: BigInt(outcome.bytesDone), bytesTotal: BigInt(outcome.bytesTotal), error: null }
          : { error: outcome.error }),
      },
      select: { releaseId: true },
    });
    await recordAuditEvent(tx, {
      action: outcome.status === "succeeded" ? "bundle.exported" : "bundle.export_failed",
      targetType: "release",
      targetId: row.releaseId,
      detail: {
        after: { file, channel: release.channel.name, tag: release.tag, status: outcome.status },
        ...(outcome.status === "succeeded" ? { bytes: outcome.bytesTotal } : { error: outcome.error }),
      },
    });
  });
}

let version: string | undefined;

/** package.json's version, recorded in the bundle's manifest as the CLI's exports do. */
function gantryVersion(): string {
  if (version) return version;
  try {
    const json = JSON.parse(fs.readFileSync(path.join(process.cwd(), "package.json"), "utf8")) as { version?: string };
    version = json.version ?? "unknown";
  } catch {
    version = "unknown";
  }
  return version;
}
