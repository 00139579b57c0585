import { Badge } from "@/components/ui/badge";
import { Bytes } from "@/components/ui/bytes";
import { Digest } from "@/components/ui/digest";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import type { SbomSummary } from "@/lib/oci/find-sboms";
import type { ImageSignature, ReleaseView } from "@/lib/releases/channel-view";

/**
 * The component images of one release: repository, digest (copyable), size, platforms and,
 * under a signature policy, who signed each one.
 */
export function ReleaseImages({ release, signed }: { release: ReleaseView; signed?: boolean }) {
  const withSboms = release.images.some((image) => (image.sboms?.length ?? 0) > 0);
  return (
    <Table aria-label={`Components of ${release.tag}`}>
      <THead>
        <Tr>
          <Th>Component</Th>
          <Th>Digest</Th>
          <Th numeric>Size</Th>
          <Th>Platforms</Th>
          {signed ? <Th>Signature</Th> : null}
          {withSboms ? <Th>SBOM and attestations</Th> : null}
        </Tr>
      </THead>
      <TBody>
        {release.images.map((image) => (
          <Tr key={image.repository} data-testid={`release-image-${image.repository}`}>
            <Td mono>{image.repository}</Td>
            <Td>
              <Digest value={image.digest} />
            </Td>
            <Td numeric>
              <Bytes value={image.size} />
            </Td>
            <Td className="text-xs text-muted">{image.platforms.join(", ") || "—"}</Td>
            {signed ? (
              <Td data-testid={`signature-${image.repository}`}>
                <SignatureCell signature={image.signature} />
              </Td>
            ) : null}
            {withSboms ? (
              <Td data-testid={`sboms-${image.repository}`}>
                <SbomCell releaseId={release.id} component={image.repository} sboms={image.sboms ?? []} />
              </Td>
            ) : null}
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}

function SignatureCell({ signature }: { signature: ImageSignature | null }) {
  if (!signature) return <span className="text-xs text-muted">not checked yet (sync the channel)</span>;
  if (signature.status === "verified")
    return (
      <span className="text-xs">
        <Badge tone="success">signed</Badge> <span className="text-fg">by {signature.signers.join(", ")}</span>
      </span>
    );
  if (signature.status === "unsigned") return <Badge tone="danger">unsigned</Badge>;
  return (
    <span className="text-xs">
      <Badge tone="danger">signature invalid</Badge> <span className="text-muted">{signature.reason}</span>
    </span>
  );
}

const formats: Record<SbomSummary["format"], string> = {
  spdx: "SPDX",
  cyclonedx: "CycloneDX",
  "in-toto": "in-toto",
  unknown: "",
};

/** Each document the vendor published for the image: what it is, its package count, a download. */
function SbomCell({ releaseId, component, sboms }: { releaseId: string; component: string; sboms: SbomSummary[] }) {
  if (sboms.length === 0) return <span className="text-xs text-muted">none</span>;
  return (
    <ul className="space-y-0.5 text-xs">
      {sboms.map((sbom) => (
        <li key={sbom.digest}>
          {[formats[sbom.format], sbom.kind === "sbom" ? "SBOM" : "attestation"].filter(Boolean).join(" ")}
          {sbom.packages === null ? "" : `, ${sbom.packages} ${sbom.packages === 1 ? "package" : "packages"}`}
          {sbom.via === "referrer" ? " (referrer)" : ""}{" "}
          <a
            className="text-accent hover:underline"
            href={`/api/v1/releases/${releaseId}/sbom?${new URLSearchParams({ component, digest: sbom.digest })}`}
            download
          >
            Download
          </a>
        </li>
      ))}
    </ul>
  );
}
