import { Badge } from "@/components/ui/badge";
import { Bytes } from "@/components/ui/bytes";
import { formatBytes } from "@/lib/oci/format-bytes";
import { Digest } from "@/components/ui/digest";
import { AlertIcon, CheckIcon, ChevronRightIcon } from "@/components/ui/icons";
import { ProgressBar } from "@/components/ui/progress-bar";
import { StatusBadge } from "@/components/ui/status-badge";
import { describeCosignArtifacts } from "@/lib/oci/cosign-summary";
import type { PlannedSignature } from "@/lib/promotions/promotion-plan";
import type { PromotionImageView, PromotionLayerView } from "@/lib/promotions/promotion-view";
import { failureKindLabel } from "./failure-kinds";
import { alreadyThereText } from "./already-there";

/** One row per image: status, bytes and blobs, the failure's kind and reason, and its layers on demand. */
export function ImageProgressList({ images }: { images: readonly PromotionImageView[] }) {
  return (
    <ul className="divide-y divide-border" aria-label="Images">
      {images.map((image) => (
        <ImageProgress key={image.id} image={image} />
      ))}
    </ul>
  );
}

function ImageProgress({ image }: { image: PromotionImageView }) {
  const verified = image.status === "pushed" && image.targetDigest === image.digest;
  return (
    <li className="space-y-2.5 px-4 py-3.5" data-testid={`image-${image.component}`} data-status={image.status}>
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1.5">
        <div className="min-w-0 space-y-0.5">
          <p className="truncate font-mono text-[13px] font-medium text-fg">{image.component}</p>
          <p className="truncate font-mono text-xs text-muted" title={image.target}>
            → {image.target}
          </p>
        </div>
        <div className="flex shrink-0 items-center gap-2">
          {verified ? (
            <Badge tone="success" title={`The target answered ${image.targetDigest}`}>
              <CheckIcon className="size-3" />
              Digest verified
            </Badge>
          ) : null}
          {image.attempts > 1 ? <span className="text-xs text-muted">attempt {image.attempts}</span> : null}
          <StatusBadge status={image.status} />
        </div>
      </div>
      <ProgressBar
        label={`${image.component} progress`}
        hideLabel
        value={
          image.bytesTotal > 0 ? image.bytesDone : image.status === "pushed" ? 1 : image.status === "pushing" ? null : 0
        }
        max={image.bytesTotal > 0 ? image.bytesTotal : 1}
        valueText={`${formatBytes(image.bytesDone)} of ${formatBytes(image.bytesTotal)}${alreadyThereText(image.bytesAlreadyThere)}`}
        tone={
          image.status === "failed"
            ? "danger"
            : image.status === "pushed"
              ? "success"
              : image.status === "stopped"
                ? "neutral"
                : "accent"
        }
      />
      <div className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted tabular-nums">
        <span>
          <Bytes value={image.bytesDone} /> of <Bytes value={image.bytesTotal} />
        </span>
        {image.bytesAlreadyThere > 0 ? (
          <span data-testid={`already-there-${image.component}`}>
            <Bytes value={image.bytesAlreadyThere} /> already there
          </span>
        ) : null}
        <span>
          {image.blobsDone} of {image.blobsTotal} blobs
        </span>
        <span className="inline-flex items-center gap-1">
          digest <Digest value={image.digest} copyable={false} />
        </span>
      </div>
      {image.notice ? (
        <p className="text-xs text-warning" role="status" data-testid={`notice-${image.component}`}>
          {image.notice}
        </p>
      ) : null}
      {image.failure ? (
        <div
          role="alert"
          className="flex gap-2 rounded-md border border-danger/30 bg-danger/8 px-3 py-2 text-sm"
          data-testid={`failure-${image.component}`}
        >
          <AlertIcon className="mt-0.5 size-4 shrink-0 text-danger" />
          <p className="min-w-0 break-words">
            <span className="font-medium text-danger" data-failure-kind={image.failure.kind}>
              {failureKindLabel(image.failure.kind)}
            </span>
            <span className="text-muted"> ({image.failure.kind})</span>: {image.failure.message}
          </p>
        </div>
      ) : null}
      {image.status === "pushed" && image.signatures.length > 0 ? (
        <Signatures target={image.target} signatures={image.signatures} component={image.component} />
      ) : null}
      {image.layers.length > 0 ? <LayerDetails layers={image.layers} /> : null}
    </li>
  );
}

/** The cosign tags copied with the image, as the target now serves them. */
function Signatures(props: { target: string; component: string; signatures: readonly PlannedSignature[] }) {
  const repository = props.target.replace(/[:@][^/]*$/, "");
  return (
    <div className="space-y-1 text-xs" data-testid={`signatures-${props.component}`}>
      <p className="text-muted">At the target too: {describeCosignArtifacts(props.signatures)}</p>
      <ul className="space-y-0.5">
        {props.signatures.map((signature) => (
          <li key={signature.tag} className="flex flex-wrap items-center gap-2" data-tag={signature.tag}>
            <span className="truncate font-mono text-muted">
              {repository}:{signature.tag}
            </span>
            <Digest value={signature.digest} copyable={false} />
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Native <details>: keyboard and screen readers for free, and it stays open across live updates. */
function LayerDetails({ layers }: { layers: readonly PromotionLayerView[] }) {
  const done = layers.filter((layer) => settled.has(layer.state)).length;
  return (
    <details className="group text-xs">
      <summary className="inline-flex cursor-pointer list-none items-center gap-1 text-muted select-none hover:text-fg [&::-webkit-details-marker]:hidden">
        <ChevronRightIcon className="size-3.5 transition-transform group-open:rotate-90" />
        Layers ({done} of {layers.length} done)
      </summary>
      <table className="mt-2 w-full text-left">
        <thead className="text-muted">
          <tr>
            <th className="py-1 pr-3 font-medium">Blob</th>
            <th className="py-1 pr-3 font-medium">State</th>
            <th className="py-1 text-right font-medium">Moved</th>
          </tr>
        </thead>
        <tbody>
          {layers.map((layer) => (
            <tr key={layer.digest} className="border-t border-border" data-layer-state={layer.state}>
              <td className="py-1 pr-3">
                <Digest value={layer.digest} copyable={false} />
              </td>
              <td className="py-1 pr-3">{layerStateLabel[layer.state] ?? layer.state}</td>
              <td className="py-1 text-right tabular-nums">
                <Bytes value={layer.bytesDone} /> / <Bytes value={layer.size} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

const settled = new Set(["present", "mounted", "uploaded"]);

const layerStateLabel: Record<string, string> = {
  pending: "Waiting",
  checking: "Checking the target",
  present: "Already there",
  mounted: "Mounted",
  transferring: "Moving",
  uploaded: "Uploaded",
  failed: "Failed",
};
