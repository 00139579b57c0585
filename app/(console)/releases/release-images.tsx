import { Badge } from "@/components/ui/badge";
import { Bytes } from "@/components/ui/bytes";
import { Digest } from "@/components/ui/digest";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import type { ImageSignature, ReleaseView } from "@/lib/releases/channel-view";

/**
 * The component images of one release: repository, digest (copyable), size, platforms and,
 * under a signature policy, who signed each one.
 */
export function ReleaseImages({ release, signed }: { release: ReleaseView; signed?: boolean }) {
  return (
    <Table aria-label={`Components of ${release.tag}`}>
      <THead>
        <Tr>
          <Th>Component</Th>
          <Th>Digest</Th>
          <Th numeric>Size</Th>
          <Th>Platforms</Th>
          {signed ? <Th>Signature</Th> : null}
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
