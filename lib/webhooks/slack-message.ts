import type { DeliveredEvent } from "./webhook-events";
import type { WebhookPayload, WebhookPromotionSummary } from "./webhook-payload";

/** A Slack incoming-webhook message: `text` for notifications, `blocks` for the channel. */
export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

const IMAGE_LINES = 10;

const verbs: Record<DeliveredEvent, { icon: string; verb: string }> = {
  "promotion.requested": { icon: ":inbox_tray:", verb: "was requested" },
  "promotion.approved": { icon: ":white_check_mark:", verb: "was approved" },
  "promotion.rejected": { icon: ":no_entry:", verb: "was rejected" },
  "promotion.started": { icon: ":arrow_forward:", verb: "started copying" },
  "promotion.succeeded": { icon: ":rocket:", verb: "succeeded" },
  "promotion.failed": { icon: ":x:", verb: "failed" },
  "promotion.stopped": { icon: ":double_vertical_bar:", verb: "was stopped" },
  "promotion.drifted": { icon: ":warning:", verb: "drifted: a promoted tag moved or is gone" },
  ping: { icon: ":wave:", verb: "" },
};

/** The event as a Slack message; everything the JSON format says stays readable in a channel. */
export function toSlackMessage(payload: WebhookPayload): SlackMessage {
  const { icon, verb } = verbs[payload.event];
  const promotion = payload.promotion;
  if (!promotion) {
    const text = `${icon} Test from Gantry: this webhook reaches Slack.`;
    return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
  }
  const title = `Promotion of ${promotion.release.channel} ${promotion.release.tag} to ${promotion.target.name} ${verb}`;
  const heading = promotion.url ? `<${promotion.url}|${escape(title)}>` : escape(title);
  const blocks: Record<string, unknown>[] = [
    { type: "section", text: { type: "mrkdwn", text: `${icon} *${heading}*` } },
    { type: "context", elements: [{ type: "mrkdwn", text: escape(contextLine(promotion, payload.data)) }] },
  ];
  if (promotion.images.items.length > 0) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: imageLines(promotion) } });
  }
  return { text: `${title}.`, blocks };
}

function contextLine(promotion: WebhookPromotionSummary, data: Record<string, unknown>): string {
  const { total, pushed, failed } = promotion.images;
  const parts = [
    `status ${promotion.status}`,
    `${total} image${total === 1 ? "" : "s"}: ${pushed} pushed${failed ? `, ${failed} failed` : ""}`,
  ];
  if (promotion.requestedBy) parts.push(`requested by ${promotion.requestedBy}`);
  if (typeof data.by === "string") parts.push(`by ${data.by}`);
  if (Array.isArray(data.approvedBy) && data.approvedBy.length > 0)
    parts.push(`approved by ${data.approvedBy.join(", ")}`);
  if (data.reason === "expired") parts.push("the approval request expired");
  if (typeof data.comment === "string" && data.comment) parts.push(`“${data.comment.slice(0, 200)}”`);
  return parts.join(" · ");
}

function imageLines(promotion: WebhookPromotionSummary): string {
  const lines = promotion.images.items.slice(0, IMAGE_LINES).map((image) => {
    const failure = image.failure ? ` — ${escape(image.failure.slice(0, 200))}` : "";
    return `• \`${escape(image.target)}\` ${image.status}${failure}`;
  });
  const more = promotion.images.total - Math.min(IMAGE_LINES, promotion.images.items.length);
  if (more > 0) lines.push(`…and ${more} more`);
  return lines.join("\n");
}

/** Slack's mrkdwn needs only these three escaped. */
function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
