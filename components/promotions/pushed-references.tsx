import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { CheckIcon } from "@/components/ui/icons";
import type { PromotionView } from "@/lib/promotions/promotion-view";
import { composeSnippet, helmSnippet, pinnedReferences } from "./usage-snippets";

/**
 * After a promotion succeeds: whether every target digest matched the source, the exact
 * digest-pinned references, and snippets for docker-compose and Helm, each with a copy button.
 */
export function PushedReferences({ view }: { view: PromotionView }) {
  const pushed = view.images.filter((image) => image.status === "pushed");
  if (view.status !== "succeeded" || pushed.length === 0) return null;
  const verified = pushed.every((image) => image.targetDigest === image.digest);
  const references = pinnedReferences(
    pushed.map((image) => ({
      component: image.component,
      target: image.target,
      digest: image.targetDigest ?? image.digest,
    })),
  );

  return (
    <Card data-testid="pushed-references">
      <CardHeader
        title="Use it"
        description="Digest-pinned references: a deployment pulls exactly these bytes, whatever happens to the tag later."
        actions={
          verified ? (
            <Badge tone="success" data-testid="digests-verified">
              <CheckIcon className="size-3" />
              Target digests verified
            </Badge>
          ) : (
            <Badge tone="warning">Target digests differ from the source</Badge>
          )
        }
      />
      <CardBody className="space-y-4">
        <ul className="space-y-2" aria-label="Pinned references">
          {references.map((reference) => (
            <li key={reference.component}>
              <CodeBlock wrap code={reference.pinned} copyLabel={`Copy the reference of ${reference.component}`} />
            </li>
          ))}
        </ul>
        {/* Stacked, and wrapped: a digest-pinned line is longer than half of any screen. */}
        <CodeBlock
          wrap
          title="docker-compose.yml"
          code={composeSnippet(references)}
          copyLabel="Copy the docker-compose snippet"
        />
        <CodeBlock wrap title="Helm values.yaml" code={helmSnippet(references)} copyLabel="Copy the Helm values" />
      </CardBody>
    </Card>
  );
}
