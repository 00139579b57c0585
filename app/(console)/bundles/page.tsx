import type { Metadata } from "next";
import Link from "next/link";
import { ForbiddenNotice } from "@/components/forbidden-notice";
import { Badge } from "@/components/ui/badge";
import { Bytes } from "@/components/ui/bytes";
import { buttonStyles } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Digest } from "@/components/ui/digest";
import { EmptyState } from "@/components/ui/empty-state";
import { BundlesIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { ProgressBar } from "@/components/ui/progress-bar";
import { TimeAgo } from "@/components/ui/time-ago";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";
import { bundleDir } from "@/lib/bundles/bundle-dir";
import {
  listBundleExports,
  listBundleFiles,
  type BundleExportView,
  type BundleFileView,
} from "@/lib/bundles/list-bundles";
import { formatBytes } from "@/lib/oci/format-bytes";
import { ImportBundleForm } from "./import-bundle-form";
import { LiveRefresh } from "./live-refresh";

export const metadata: Metadata = { title: "Bundles" };
export const dynamic = "force-dynamic";

/** Bundles across the air gap: exports being written, and the bundle files of GANTRY_BUNDLE_DIR to import. */
export default async function BundlesPage() {
  const user = await requireUser();
  if (!can(user.role, "bundles.read")) return <ForbiddenNotice permission="bundles.read" />;
  const [files, exports] = await Promise.all([listBundleFiles(), listBundleExports()]);
  const active = exports.some((e) => e.status === "queued" || e.status === "running");
  const allowed = { download: can(user.role, "bundles.download"), import: can(user.role, "bundles.import") };
  return (
    <>
      <PageHeader
        title="Bundles"
        description={`Releases carried across an air gap as one file. Bundle folder: ${bundleDir()}`}
      />
      <LiveRefresh active={active} />
      <div className="space-y-6">
        {exports.length > 0 ? (
          <Card aria-label="Exports">
            <CardHeader title="Exports" description="Releases a worker writes into the bundle folder." />
            <CardBody className="space-y-4">
              {exports.map((row) => (
                <ExportRow key={row.id} row={row} canDownload={allowed.download} />
              ))}
            </CardBody>
          </Card>
        ) : null}
        {files.length === 0 ? (
          <EmptyState
            icon={<BundlesIcon />}
            title="No bundles in the bundle folder"
            description="Copy a bundle file (gantry bundle export) into the folder, or export a release from the Releases page."
            action={
              <Link href="/releases" className={buttonStyles({ variant: "primary" })}>
                Browse releases
              </Link>
            }
          />
        ) : (
          files.map((file) => (
            <BundleCard key={file.file} file={file} canImport={allowed.import} canDownload={allowed.download} />
          ))
        )}
      </div>
    </>
  );
}

function ExportRow({ row, canDownload }: { row: BundleExportView; canDownload: boolean }) {
  const tone = row.status === "failed" ? "danger" : row.status === "succeeded" ? "success" : "accent";
  return (
    <div className="space-y-2" data-testid={`export-${row.file}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="text-sm">
          <span className="font-mono">{row.file}</span>{" "}
          <span className="text-muted">
            {row.channel} {row.tag} · requested <TimeAgo date={row.createdAt} />
          </span>
        </span>
        <span className="flex items-center gap-2">
          <Badge tone={tone === "accent" ? "accent" : tone} data-testid="export-status">
            {row.status}
          </Badge>
          {row.status === "succeeded" && canDownload ? <DownloadLink file={row.file} /> : null}
        </span>
      </div>
      {row.status !== "failed" ? (
        <ProgressBar
          label={`Export of ${row.file}`}
          value={row.bytesTotal > 0 ? row.bytesDone : null}
          max={row.bytesTotal}
          tone={tone}
          valueText={
            row.bytesTotal > 0 ? `${formatBytes(row.bytesDone)} of ${formatBytes(row.bytesTotal)}` : "planning…"
          }
        />
      ) : (
        <p className="text-xs text-danger">{row.error}</p>
      )}
    </div>
  );
}

function BundleCard({
  file,
  canImport,
  canDownload,
}: {
  file: BundleFileView;
  canImport: boolean;
  canDownload: boolean;
}) {
  const m = file.manifest;
  return (
    <Card aria-label={`Bundle ${file.file}`} data-testid={`bundle-${file.file}`}>
      <CardHeader
        title={
          <span className="inline-flex flex-wrap items-center gap-2">
            <span className="font-mono">{file.file}</span>
            {m ? <Badge tone="success">readable</Badge> : <Badge tone="danger">not a readable bundle</Badge>}
            {m?.signed ? <Badge tone="accent">signed</Badge> : null}
            {m?.differential ? <Badge>differential</Badge> : null}
          </span>
        }
        description={
          <span className="text-xs text-muted">
            <Bytes value={file.size} />
            {m
              ? ` · ${[m.product, m.channel, m.release].filter(Boolean).join(" / ") || "no product or release named"} · created ${m.createdAt}`
              : ""}
          </span>
        }
        actions={canDownload ? <DownloadLink file={file.file} /> : null}
      />
      <CardBody className="space-y-3">
        {file.problem ? <p className="text-sm text-danger">{file.problem}</p> : null}
        {m ? (
          <ul className="space-y-1 text-sm">
            {m.components.map((c) => (
              <li key={c.name} className="flex flex-wrap items-center gap-2">
                <span className="font-mono">{c.name}</span>
                <Digest value={c.digest} />
                <Bytes value={c.size} className="text-xs text-muted" />
              </li>
            ))}
          </ul>
        ) : null}
        {file.importedAs.length > 0 ? (
          <p className="text-xs text-muted" data-testid="imported-as">
            Imported as{" "}
            {file.importedAs.map((r) => (
              <Link
                key={r.releaseId}
                href={`/promotions/new?releaseId=${encodeURIComponent(r.releaseId)}`}
                className="text-accent hover:underline"
              >
                {r.channel} {r.tag}
              </Link>
            ))}
          </p>
        ) : null}
        {m && canImport ? (
          <ImportBundleForm file={file.file} suggestedChannel={m.channel ?? m.product ?? "offline"} />
        ) : null}
      </CardBody>
    </Card>
  );
}

function DownloadLink({ file }: { file: string }) {
  return (
    <a
      href={`/api/v1/bundles/${encodeURIComponent(file)}`}
      download={file}
      className={buttonStyles({ variant: "secondary" })}
    >
      Download
    </a>
  );
}
