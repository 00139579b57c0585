"use client";

import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { webhookEventLabels, webhookEvents, type WebhookEvent } from "@/lib/webhooks/webhook-events";

export interface WebhookFieldValues {
  name: string;
  url: string;
  events: WebhookEvent[];
  format: "json" | "slack";
}

/** Name, URL, events and format: the inputs of both the create and the edit form. */
export function WebhookFields({
  defaults,
  fieldErrors,
}: {
  defaults?: WebhookFieldValues;
  fieldErrors: Record<string, string>;
}) {
  const eventsError = Object.entries(fieldErrors).find(
    ([field]) => field === "events" || field.startsWith("events."),
  )?.[1];
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field label="Name" hint="e.g. #releases on Slack, or deploy-pipeline" error={fieldErrors.name}>
        {(p) => <Input {...p} name="name" defaultValue={defaults?.name} required />}
      </Field>
      <Field
        label="Format"
        hint="Slack: an incoming-webhook URL gets a readable message. JSON: the full event."
        error={fieldErrors.format}
      >
        {(p) => (
          <Select {...p} name="format" defaultValue={defaults?.format ?? "json"}>
            <option value="json">JSON</option>
            <option value="slack">Slack</option>
          </Select>
        )}
      </Field>
      <Field
        label="URL"
        hint="Where Gantry POSTs each event (https:// recommended). Redirects are not followed."
        error={fieldErrors.url}
        className="sm:col-span-2"
      >
        {(p) => (
          <Input
            {...p}
            name="url"
            type="url"
            mono
            defaultValue={defaults?.url}
            placeholder="https://hooks.example.com/gantry"
            required
          />
        )}
      </Field>
      <fieldset className="space-y-2 sm:col-span-2" aria-describedby="webhook-events-hint">
        <legend className="text-sm font-medium text-fg">Events</legend>
        <p id="webhook-events-hint" className="text-xs text-muted">
          Leave all unticked to hear every event, including ones added later.
        </p>
        <div className="grid gap-1.5 sm:grid-cols-2">
          {webhookEvents.map((event) => (
            <label key={event} className="flex items-center gap-2 text-sm text-fg">
              <input
                type="checkbox"
                name="events"
                value={event}
                defaultChecked={defaults?.events.includes(event)}
                className="size-4 accent-accent"
              />
              <span className="font-mono text-[13px]">{event}</span>
              <span className="truncate text-xs text-muted">{webhookEventLabels[event].replace(/^\S+\s?/, "")}</span>
            </label>
          ))}
        </div>
        {eventsError ? <p className="text-xs font-medium text-danger">{eventsError}</p> : null}
      </fieldset>
    </div>
  );
}

/** The form's values as the create/update body. */
export function readWebhookFields(form: FormData): WebhookFieldValues {
  return {
    name: String(form.get("name") ?? ""),
    url: String(form.get("url") ?? ""),
    events: form.getAll("events").map(String) as WebhookEvent[],
    format: String(form.get("format") ?? "json") as "json" | "slack",
  };
}
