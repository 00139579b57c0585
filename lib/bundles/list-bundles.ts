import "server-only";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { db } from "@/lib/db/prisma";
import { isOciError } from "@/lib/oci/errors";
import { openBundle } from "@/lib/oci/layout/read-bundle";
import { bundleDir } from "./bundle-dir";

export interface BundleFileView {
  /** The file's name in the bundle folder (the first part's name for a split bundle). */
  file: string;
  size: number;
  modifiedAt: string;
  /** Read from gantry-bundle.json; null when the file is not a readable bundle. */
  manifest: null | {
    product: string | null;
    channel: string | null;
    release: string | null;
    createdAt: string;
    components: { name: string; digest: string; size: number }[];
    signed: boolean;
    differential: boolean;
  };
  /** Why the file is not a readable bundle (cut short, not a tar, no Gantry manifest). */
  problem: string | null;
  /** Releases imported from this file. */
  importedAs: { channel: string; tag: string; releaseId: string }[];
}

export interface BundleExportView {
  id: string;
  file: string;
  status: "queued" | "running" | "succeeded" | "failed";
  bytesDone: number;
  bytesTotal: number;
  error: string | null;
  channel: string;
  tag: string;
  createdAt: string;
  finishedAt: string | null;
}

const STAGING = /\.(partial|export\.json)$|\.\d{3}\.partial$/;

/**
 * The bundles in GANTRY_BUNDLE_DIR, newest first, each read by its headers and manifest only
 * (a listing never hashes gigabytes: import verifies every byte). Files a running export is
 * still writing are left out; files that are not readable bundles are listed with the reason.
 */
export async function listBundleFiles(): Promise<BundleFileView[]> {
  const dir = bundleDir();
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [] as string[];
    throw error;
  });
  const candidates = names.filter((n) => !STAGING.test(n) && (/\.tar$/.test(n) || /\.tar\.001$/.test(n)));
  const imported = await db().release.findMany({
    where: { bundlePath: { in: candidates.map((n) => path.join(dir, n)) } },
    select: { id: true, tag: true, bundlePath: true, channel: { select: { name: true } } },
  });
  const views = await Promise.all(
    candidates.map(async (file): Promise<BundleFileView | null> => {
      const full = path.join(dir, file);
      const info = await stat(full).catch(() => null);
      if (!info?.isFile()) return null;
      const base = {
        file,
        size: info.size,
        modifiedAt: info.mtime.toISOString(),
        importedAs: imported
          .filter((r) => r.bundlePath === full)
          .map((r) => ({ channel: r.channel.name, tag: r.tag, releaseId: r.id })),
      };
      try {
        const bundle = await openBundle(full);
        const m = bundle.manifest;
        return {
          ...base,
          size: bundle.files.size,
          problem: null,
          manifest: {
            product: m.product,
            channel: m.channel,
            release: m.release,
            createdAt: m.createdAt,
            components: m.components.map((c) => ({ name: c.name, digest: c.digest, size: c.size })),
            signed: Boolean(bundle.signature),
            differential: m.base !== null,
          },
        };
      } catch (error) {
        const why = isOciError(error) ? error.message.replaceAll(full, file) : "the file cannot be read";
        return { ...base, manifest: null, problem: why };
      }
    }),
  );
  return views.filter((v): v is BundleFileView => v !== null).sort((a, b) => (a.modifiedAt < b.modifiedAt ? 1 : -1));
}

/** The latest exports requested from the console, newest first. */
export async function listBundleExports(limit = 20): Promise<BundleExportView[]> {
  const rows = await db().bundleExport.findMany({
    orderBy: { createdAt: "desc" },
    take: limit,
    include: { release: { select: { tag: true, channel: { select: { name: true } } } } },
  });
  return rows.map((row) => ({
    id: row.id,
    file: row.file,
    status: row.status,
    bytesDone: Number(row.bytesDone),
    bytesTotal: Number(row.bytesTotal),
    error: row.error,
    channel: row.release.channel.name,
    tag: row.release.tag,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  }));
}
