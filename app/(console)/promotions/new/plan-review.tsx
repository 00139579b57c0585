import { Badge } from "@/components/ui/badge";
import { Bytes } from "@/components/ui/bytes";
import { formatBytes } from "@/lib/oci/format-bytes";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { FormError } from "@/components/ui/form-error";
import { CheckIcon } from "@/components/ui/icons";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { failureKindLabel } from "@/components/promotions/failure-kinds";
import { describeCosignArtifacts } from "@/lib/oci/cosign-summary";
import type { PromotionPlan } from "@/lib/promotions/promotion-plan";
import type { TargetOption } from "./promote-form";

/**
 * What confirming will do: repositories created, blobs already there / mounted / moved,
 * bytes to move, and the size-limit check, which blocks confirming when exceeded.
 */
export function PlanReview({ plan, target }: { plan: PromotionPlan; target: TargetOption }) {
  const failed = plan.images.filter((image) => image.status === "failed" && image.failure?.kind !== "too_large");
  return (
    <Card data-testid="plan-review">
      <CardHeader
        title="Plan"
        description={
          <>
            <Bytes value={plan.bytesToMove} /> to move into {target.name}
          </>
        }
        actions={
          plan.upToDate ? (
            <Badge tone="success" data-testid="up-to-date">
              <CheckIcon className="size-3" />
              Already up to date
            </Badge>
          ) : plan.tagsMoveBack ? (
            <Badge tone="accent" data-testid="tags-move-back">
              0 bytes, tags move back
            </Badge>
          ) : null
        }
      />
      <CardBody className="space-y-4">
        {plan.upToDate ? (
          <p className="text-sm text-muted">Every image is at the target with the same digest: nothing will move.</p>
        ) : plan.tagsMoveBack ? (
          <p className="text-sm text-muted">
            Every image of this release is still at the target: no byte moves, only the tags go back to it.
          </p>
        ) : null}
        <SizeLimit plan={plan} />
        {failed.length > 0 ? (
          <FormError
            title="Some images cannot be copied"
            message={
              <ul className="space-y-0.5">
                {failed.map((image) => (
                  <li key={image.component}>
                    <span className="font-mono">{image.component}</span>: {failureKindLabel(image.failure!.kind)} (
                    {image.failure!.kind}) — {image.failure!.message}
                  </li>
                ))}
              </ul>
            }
          />
        ) : null}
        <div className="space-y-1 text-sm" data-testid="repositories-to-create">
          <p className="font-medium text-fg">Repositories to create</p>
          {plan.repositoriesToCreate.length === 0 ? (
            <p className="text-muted">None: every target repository exists.</p>
          ) : (
            <ul className="font-mono text-[13px] text-muted">
              {plan.repositoriesToCreate.map((repository) => (
                <li key={repository}>{repository}</li>
              ))}
            </ul>
          )}
        </div>
        <Table>
          <THead>
            <Tr>
              <Th>Image</Th>
              <Th numeric>Size</Th>
              <Th numeric>Blobs present</Th>
              <Th numeric>To mount</Th>
              <Th numeric>To move</Th>
              <Th numeric>Bytes to move</Th>
              <Th>Plan</Th>
            </Tr>
          </THead>
          <TBody>
            {plan.images.map((image) => (
              <Tr key={image.component} data-testid={`plan-${image.component}`}>
                <Td>
                  <div className="font-mono text-[13px]">{image.component}</div>
                  <div className="font-mono text-xs text-muted">→ {image.target}</div>
                  {image.signatures?.length ? (
                    <div className="text-xs text-muted" data-testid={`plan-signatures-${image.component}`}>
                      with {describeCosignArtifacts(image.signatures)}
                    </div>
                  ) : null}
                  {image.referrers?.length ? (
                    <div className="text-xs text-muted" data-testid={`plan-referrers-${image.component}`}>
                      with{" "}
                      {image.referrers
                        .map(
                          (r) =>
                            `${r.format === "unknown" ? "" : `${r.format} `}${r.kind === "sbom" ? "SBOM" : "attestation"} referrer${r.packages === null ? "" : ` (${r.packages} packages)`}`,
                        )
                        .join(", ")}
                    </div>
                  ) : null}
                  <TagMoves image={image} />
                </Td>
                <Td numeric>
                  <Bytes value={image.size} />
                </Td>
                <Td numeric>{image.blobs.present}</Td>
                <Td numeric>{image.blobs.mounted}</Td>
                <Td numeric>{image.blobs.uploaded}</Td>
                <Td numeric>
                  <Bytes value={image.bytesToMove} />
                </Td>
                <Td>
                  {image.status === "up_to_date" ? (
                    <Badge tone="success">Up to date</Badge>
                  ) : image.status === "copy" ? (
                    <Badge tone="accent">{image.repositoryExists ? "Copy" : "Create and copy"}</Badge>
                  ) : (
                    <Badge tone="danger" title={image.failure?.message}>
                      {failureKindLabel(image.failure?.kind ?? "failed")}
                    </Badge>
                  )}
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      </CardBody>
    </Card>
  );
}

/** The tags that will point at this image, and where each points now when that differs. */
function TagMoves({ image }: { image: PromotionPlan["images"][number] }) {
  const moving = (image.tags ?? []).filter((t) => t.now !== image.digest);
  if (moving.length === 0) return null;
  return (
    <div className="text-xs text-muted" data-testid={`plan-tags-${image.component}`}>
      {moving.map((t) => (
        <div key={t.tag}>
          tag <span className="font-mono">{t.tag}</span>
          {t.now ? ` moves from ${t.now.slice(0, 19)}…` : " is new"}
        </div>
      ))}
    </div>
  );
}

function SizeLimit({ plan }: { plan: PromotionPlan }) {
  const { limitBytes, exceeded } = plan.sizeLimit;
  if (limitBytes === null)
    return (
      <p className="text-sm text-muted" data-testid="size-limit">
        No size limit on this target.
      </p>
    );
  if (exceeded.length === 0) {
    return (
      <p className="text-sm text-muted" data-testid="size-limit">
        Every image is within the target&apos;s size limit of {formatBytes(limitBytes)}.
      </p>
    );
  }
  const reasons = plan.images.filter((image) => exceeded.includes(image.component));
  return (
    <div data-testid="size-limit">
      <FormError
        title={`Over the size limit of ${formatBytes(limitBytes)}: nothing can be promoted until it is raised or the image is left out`}
        message={
          <ul className="space-y-0.5">
            {reasons.map((image) => (
              <li key={image.component}>
                <span className="font-mono">{image.component}</span> (<Bytes value={image.size} />)
                {image.failure ? ` — ${image.failure.message}` : ""}
              </li>
            ))}
          </ul>
        }
      />
    </div>
  );
}
