import { z } from "zod";
import { webhookEvents } from "./webhook-events";
import { webhookUrlProblem } from "./webhook-url";

/**
 * Request bodies of webhooks, shared by the settings form, the server actions and
 * /api/v1/webhooks. Free of server-only imports so the form can load them.
 */

const id = z.string({ error: "expected the webhook's id" }).min(1, "expected the webhook's id");

const name = z
  .string({ error: "expected a name for the webhook" })
  .trim()
  .min(1, "expected a name for the webhook, e.g. #releases on Slack")
  .max(100, "at most 100 characters");

const url = z
  .string({ error: "expected the receiver's URL, e.g. https://hooks.example.com/gantry" })
  .trim()
  .superRefine((value, ctx) => {
    const problem = webhookUrlProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const events = z
  .array(z.enum(webhookEvents, { error: `expected event names among ${webhookEvents.join(", ")}` }), {
    error: "expected a list of event names ([] for every event)",
  })
  .max(webhookEvents.length)
  .transform((list) => webhookEvents.filter((event) => list.includes(event)));

const format = z.enum(["json", "slack"], { error: 'expected "json" or "slack"' });

export const createWebhookSchema = z.object({
  name,
  url,
  /** Empty (or left out) = every event. */
  events: events.default([]),
  format: format.default("json"),
  enabled: z.boolean({ error: "expected true or false" }).default(true),
});

/** Any of the create fields, plus the id. */
export const updateWebhookSchema = z.object({
  id,
  name: name.optional(),
  url: url.optional(),
  events: events.optional(),
  format: format.optional(),
  enabled: z.boolean({ error: "expected true or false" }).optional(),
});

export const webhookIdSchema = z.object({ id });

export const redeliverWebhookSchema = z.object({
  id,
  deliveryId: z.string({ error: "expected the delivery's id" }).min(1, "expected the delivery's id"),
});

export const listWebhookDeliveriesSchema = z.object({
  limit: z.coerce
    .number({ error: "expected a number" })
    .int("expected a whole number")
    .min(1, "at least 1")
    .max(200, "at most 200")
    .default(50),
});

export type CreateWebhookInput = z.input<typeof createWebhookSchema>;
export type UpdateWebhookInput = z.input<typeof updateWebhookSchema>;
