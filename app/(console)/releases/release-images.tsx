import { Bytes } from "@/components/ui/bytes";
import { Digest } from "@/components/ui/digest";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import type { ReleaseView } from "@/lib/releases/channel-view";

/** The component images of one release: repository, digest (copyable), size and platforms. */
export function ReleaseImages({ release }: { release: ReleaseView }) {
  return (
    <Table aria-label={`Components of ${release.tag}`}>
      <THead>
        <Tr>
          <Th>Component</Th>
          <Th>Digest</Th>
          <Th numeric>Size</Th>
          <Th>Platforms</Th>
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
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
