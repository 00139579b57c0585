import { Badge } from "@/components/ui/badge";
import { TimeAgo } from "@/components/ui/time-ago";
import type { PromotionView } from "@/lib/promotions/promotion-view";

/**
 * The promotion's "tags moved" step: images land by digest, and the tags (the release tag and
 * any moving tag) move together once every image is pushed and verified — until then the
 * target's tags still name the previous release.
 */
export function TagStep({ view }: { view: PromotionView }) {
  const tags = [view.release.tag, ...(view.movingTag && view.movingTag !== view.release.tag ? [view.movingTag] : [])];
  const names = tags.map((t) => `:${t}`).join(" and ");
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="tag-step">
      <span className="font-medium text-fg">Tags moved</span>
      {view.tagsMovedAt ? (
        <>
          <Badge tone="success" data-testid="tags-moved">
            Done
          </Badge>
          <span className="text-muted">
            {names} now name this release on every image · <TimeAgo date={view.tagsMovedAt} />
          </span>
        </>
      ) : view.tagsFailure ? (
        <>
          <Badge tone="danger">Failed</Badge>
          <span className="text-muted">{view.tagsFailure}</span>
        </>
      ) : (
        <>
          <Badge tone="neutral">Not yet</Badge>
          <span className="text-muted">
            {view.status === "running" && view.totals.pushed === view.totals.images
              ? `Every image is pushed; moving ${names}…`
              : `${names} move together once every image is pushed and verified; until then the target keeps its tags.`}
          </span>
        </>
      )}
    </div>
  );
}
