import { describe, expect, it } from "vitest";
import { toSlackMessage } from "./slack-message";
import type { WebhookPayload } from "./webhook-payload";

const promotion: WebhookPayload["promotion"] = {
  id: "p1",
  status: "queued",
  url: null,
  release: { id: "r1", tag: "release-240913", channel: "vendor" },
  target: { id: "t1", name: "ecr-prod", endpoint: "123456789012.dkr.ecr.eu-west-1.amazonaws.com" },
  requestedBy: "op@example.com",
  images: {
    total: 12,
    pushed: 0,
    failed: 0,
    pending: 12,
    items: Array.from({ length: 12 }, (_, i) => ({
      component: `vendor/c${i}`,
      target: `ecr/team/c${i}:release-240913`,
      digest: "sha256:x",
      status: "pending",
      failure: null,
    })),
  },
};

describe("toSlackMessage", () => {
  it("says who approved, lists at most ten images and counts the rest", () => {
    const message = toSlackMessage({
      id: "evt_1",
      event: "promotion.approved",
      createdAt: "",
      promotion,
      data: { approvedBy: ["ana@example.com", "bo@example.com"] },
    });
    expect(message.text).toBe("Promotion of vendor release-240913 to ecr-prod was approved.");
    expect(message.blocks[0]).toEqual({
      type: "section",
      text: {
        type: "mrkdwn",
        text: ":white_check_mark: *Promotion of vendor release-240913 to ecr-prod was approved*",
      },
    });
    expect(JSON.stringify(message.blocks[1])).toContain("approved by ana@example.com, bo@example.com");
    const lines = (message.blocks[2] as { text: { text: string } }).text.text.split("\n");
    expect(lines).toHaveLength(11);
    expect(lines[10]).toBe("…and 2 more");
  });

  it("says a ping is a test", () => {
    expect(toSlackMessage({ id: "evt_2", event: "ping", createdAt: "", promotion: null, data: {} }).text).toBe(
      ":wave: Test from Gantry: this webhook reaches Slack.",
    );
  });
});
