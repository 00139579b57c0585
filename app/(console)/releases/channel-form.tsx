"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { z } from "zod";
import { useAction } from "@/components/hooks/use-action";
import { Button, buttonStyles } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { addChannel, editChannel } from "@/lib/actions/channels";
import { createChannelSchema, MAX_COMPONENTS } from "@/lib/releases/channel.schema";
import type { SavedChannel } from "@/lib/releases/create-channel";
import { orderingLabels, tagOrderings, type TagOrdering } from "@/lib/releases/tag-ordering";
import { ChannelSavedWarnings } from "./channel-saved-warnings";
import { threeComponentVendorLayout } from "./channel-templates";
import { TagTester } from "./tag-tester";

export interface ChannelFormValues {
  name: string;
  sourceRegistryId: string;
  /** One repository per line. */
  components: string;
  tagPattern: string;
  ordering: TagOrdering;
  syncIntervalMinutes: string;
  copySignatures: boolean;
}

export type ChannelFormMode = { kind: "create" } | { kind: "edit"; id: string; initial: ChannelFormValues };

interface SourceOption {
  id: string;
  name: string;
  endpoint: string;
}

const FIELDS = ["name", "sourceRegistryId", "components", "tagPattern", "ordering", "syncIntervalMinutes"] as const;

/**
 * Create or edit a channel, validated as the user types with the schema the server applies
 * (a field shows its message once it was left or the form was submitted). The template
 * button only fills the fields; everything stays editable.
 */
export function ChannelForm({ mode, sources }: { mode: ChannelFormMode; sources: SourceOption[] }) {
  const router = useRouter();
  const editing = mode.kind === "edit";
  const [values, setValues] = useState<ChannelFormValues>(
    editing
      ? mode.initial
      : {
          name: "",
          sourceRegistryId: sources[0]?.id ?? "",
          components: "",
          tagPattern: "",
          ordering: "semver",
          syncIntervalMinutes: "60",
          copySignatures: true,
        },
  );
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [saved, setSaved] = useState<SavedChannel | null>(null);
  const create = useAction(addChannel);
  const edit = useAction(editChannel);
  const { pending, error, fieldErrors } = editing ? edit : create;

  const body = bodyOf(values);
  const issues = issuesOf(createChannelSchema.safeParse(body));
  const errorFor = (field: string) =>
    ((touched.has(field) || submitted) && issues[field]) ||
    fieldErrors[field] ||
    (field === "components" ? componentErrors(fieldErrors) : undefined);
  const set = (field: keyof ChannelFormValues) => (value: string) =>
    setValues((current) => ({ ...current, [field]: value }));
  const blur = (field: string) => () => setTouched((current) => new Set(current).add(field));
  const serverFieldsShown = Object.keys(fieldErrors).every((field) =>
    FIELDS.some((known) => field === known || field.startsWith(`${known}.`)),
  );
  const banner = Object.keys(fieldErrors).length > 0 && serverFieldsShown ? null : error;

  function applyTemplate() {
    const template = threeComponentVendorLayout;
    setValues((current) => ({
      ...current,
      name: current.name || template.name,
      components: template.components.join("\n"),
      tagPattern: template.tagPattern,
      ordering: template.ordering,
    }));
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(issues).length > 0) return;
    const done = (channel: SavedChannel) => {
      if (channel.warnings.length > 0) setSaved(channel);
      else router.push("/releases");
    };
    if (mode.kind === "edit") edit.run({ ...body, id: mode.id }, done);
    else create.run(body, done);
  }

  if (saved)
    return (
      <ChannelSavedWarnings
        id={saved.id}
        name={saved.name}
        warnings={saved.warnings}
        {...(editing ? { onEditAgain: () => setSaved(null) } : {})}
      />
    );
  return (
    <Card>
      <CardHeader
        title={editing ? "Channel" : "New channel"}
        description="A channel is one product of the vendor: the repositories that make one release, and how its release tags are named and ordered."
        actions={
          <Button onClick={applyTemplate} title={threeComponentVendorLayout.description}>
            Use template: {threeComponentVendorLayout.label}
          </Button>
        }
      />
      <CardBody>
        <form
          onSubmit={onSubmit}
          className="grid gap-4 sm:grid-cols-2"
          noValidate
          aria-label={editing ? "Edit channel" : "Create a channel"}
        >
          <Field id="channel-name" label="Name" error={errorFor("name") || undefined}>
            {(control) => (
              <Input
                {...control}
                name="name"
                value={values.name}
                onChange={(e) => set("name")(e.target.value)}
                onBlur={blur("name")}
                autoComplete="off"
              />
            )}
          </Field>
          <Field
            id="channel-source"
            label="Source registry"
            error={errorFor("sourceRegistryId") || undefined}
            hint="The vendor's registry the components are read from."
          >
            {(control) => (
              <Select
                {...control}
                name="sourceRegistryId"
                value={values.sourceRegistryId}
                onChange={(e) => set("sourceRegistryId")(e.target.value)}
                onBlur={blur("sourceRegistryId")}
              >
                {sources.length === 0 ? <option value="">No registry connected</option> : null}
                {sources.map((source) => (
                  <option key={source.id} value={source.id}>
                    {source.name} ({source.endpoint})
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field
            id="channel-components"
            label="Component repositories"
            className="sm:col-span-2"
            error={errorFor("components") || undefined}
            hint={`One repository path per line, as in the source registry (e.g. vendor/api), 1 to ${MAX_COMPONENTS}. A tag is a release only when every component has it.`}
          >
            {(control) => (
              <Textarea
                {...control}
                name="components"
                mono
                rows={4}
                value={values.components}
                placeholder={"vendor/api\nvendor/engine\nvendor/web"}
                spellCheck={false}
                onChange={(e) => set("components")(e.target.value)}
                onBlur={blur("components")}
              />
            )}
          </Field>
          <Field
            id="channel-pattern"
            label="Tag pattern"
            error={errorFor("tagPattern") || undefined}
            hint="A regular expression; only matching tags are releases. Anchor it with ^ and $."
          >
            {(control) => (
              <Input
                {...control}
                name="tagPattern"
                mono
                value={values.tagPattern}
                placeholder="^release-\d{6}$"
                spellCheck={false}
                autoComplete="off"
                onChange={(e) => set("tagPattern")(e.target.value)}
                onBlur={blur("tagPattern")}
              />
            )}
          </Field>
          {values.tagPattern && !(values.tagPattern.startsWith("^") && values.tagPattern.endsWith("$")) ? (
            // Allowed (a search is a valid choice) but rarely meant: "release-\d+" also takes "pre-release-1-debug".
            <p className="-mt-2 text-xs text-warning" role="status" data-testid="pattern-unanchored">
              Not anchored: it also matches tags that only contain it somewhere. Start it with ^ and end it with $ to
              match whole tags.
            </p>
          ) : null}
          <Field
            id="channel-ordering"
            label="Ordering"
            error={errorFor("ordering") || undefined}
            hint="How the newest release is found among matching tags."
          >
            {(control) => (
              <Select
                {...control}
                name="ordering"
                value={values.ordering}
                onChange={(e) => set("ordering")(e.target.value)}
                onBlur={blur("ordering")}
              >
                {tagOrderings.map((ordering) => (
                  <option key={ordering} value={ordering}>
                    {orderingLabels[ordering]}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field
            id="channel-interval"
            label="Sync every (minutes)"
            error={errorFor("syncIntervalMinutes") || undefined}
            hint="0 for manual syncs only, else 5 to 1440."
          >
            {(control) => (
              <Input
                {...control}
                name="syncIntervalMinutes"
                inputMode="numeric"
                value={values.syncIntervalMinutes}
                onChange={(e) => set("syncIntervalMinutes")(e.target.value)}
                onBlur={blur("syncIntervalMinutes")}
              />
            )}
          </Field>
          <div className="space-y-1 sm:col-span-2">
            <label htmlFor="channel-copy-signatures" className="flex items-center gap-2 text-sm font-medium text-fg">
              <input
                id="channel-copy-signatures"
                type="checkbox"
                name="copySignatures"
                className="size-4 accent-accent"
                checked={values.copySignatures}
                onChange={(e) => setValues((current) => ({ ...current, copySignatures: e.target.checked }))}
              />
              Copy signatures and attestations
            </label>
            <p className="pl-6 text-xs text-muted">
              Promotions bring each image&apos;s cosign tags (sha256-&lt;hex&gt;.sig, .att, .sbom) and OCI referrers
              along, with their exact digests.
            </p>
          </div>
          <TagTester pattern={values.tagPattern} ordering={values.ordering} />
          <div className="flex items-center gap-3 sm:col-span-2">
            <Button type="submit" variant="primary" pending={pending}>
              {editing ? "Save changes" : "Create channel"}
            </Button>
            <Link href="/releases" className={buttonStyles({ variant: "ghost" })}>
              Cancel
            </Link>
          </div>
          <FormError className="sm:col-span-2" message={banner} />
        </form>
      </CardBody>
    </Card>
  );
}

/** The form's text as the create body: components one per line, the interval as a number. */
function bodyOf(values: ChannelFormValues): z.input<typeof createChannelSchema> {
  const interval = values.syncIntervalMinutes.trim();
  return {
    name: values.name,
    sourceRegistryId: values.sourceRegistryId,
    components: values.components
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean),
    tagPattern: values.tagPattern,
    ordering: values.ordering,
    copySignatures: values.copySignatures,
    syncIntervalMinutes:
      interval === "" || !/^-?\d+(\.\d+)?$/.test(interval) ? (Number.NaN as number) : Number(interval),
  };
}

/** First message per field; a component's message ("components.2") is shown on the components box with its line. */
function issuesOf(result: z.ZodSafeParseResult<unknown>): Record<string, string> {
  if (result.success) return {};
  const issues: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const [field, index] = issue.path;
    const key = String(field ?? "input");
    const message =
      key === "components" && typeof index === "number" ? `line ${index + 1}: ${issue.message}` : issue.message;
    issues[key] ??= message;
  }
  return issues;
}

/** The server's "components.N" messages, for the components box. */
function componentErrors(fieldErrors: Record<string, string>): string | undefined {
  const entry = Object.entries(fieldErrors).find(([field]) => field.startsWith("components."));
  return entry ? `line ${Number(entry[0].split(".")[1]) + 1}: ${entry[1]}` : undefined;
}
