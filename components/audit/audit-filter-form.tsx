import Link from "next/link";
import { buttonStyles } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

export type AuditFilterValues = Partial<
  Record<"actor" | "action" | "targetType" | "targetId" | "from" | "to" | "text", string>
>;

/**
 * The audit filters as a plain GET form: the filters live in the URL, so a filtered view can
 * be bookmarked and shared, and it works before any script loads.
 */
export function AuditFilterForm({
  values,
  fieldErrors = {},
}: {
  values: AuditFilterValues;
  fieldErrors?: Record<string, string>;
}) {
  return (
    <form
      method="get"
      action="/audit"
      className="grid gap-3 rounded-lg border border-border bg-surface p-4 sm:grid-cols-2 lg:grid-cols-4"
      aria-label="Filter audit events"
    >
      <Field
        label="Text"
        optional
        hint="Actor, action, target id or detail"
        error={fieldErrors.text}
        className="sm:col-span-2"
      >
        {(p) => <Input {...p} name="text" type="search" defaultValue={values.text} placeholder="e.g. quay.io" />}
      </Field>
      <Field label="Actor" optional error={fieldErrors.actor}>
        {(p) => <Input {...p} name="actor" defaultValue={values.actor} placeholder="ops@example.com" />}
      </Field>
      <Field label="Action" optional hint='Exact, or a prefix like "registry."' error={fieldErrors.action}>
        {(p) => <Input {...p} name="action" mono defaultValue={values.action} placeholder="registry." />}
      </Field>
      <Field label="Target type" optional error={fieldErrors.targetType}>
        {(p) => <Input {...p} name="targetType" mono defaultValue={values.targetType} placeholder="registry" />}
      </Field>
      <Field label="Target id" optional error={fieldErrors.targetId}>
        {(p) => <Input {...p} name="targetId" mono defaultValue={values.targetId} />}
      </Field>
      <Field label="From (UTC)" optional error={fieldErrors.from}>
        {(p) => <Input {...p} name="from" type="datetime-local" step={1} defaultValue={asLocalInput(values.from)} />}
      </Field>
      <Field label="To (UTC)" optional error={fieldErrors.to}>
        {(p) => <Input {...p} name="to" type="datetime-local" step={1} defaultValue={asLocalInput(values.to)} />}
      </Field>
      <div className="flex items-center gap-2 sm:col-span-2 lg:col-span-4">
        <button type="submit" className={buttonStyles({ variant: "primary" })}>
          Apply filters
        </button>
        <Link href="/audit" className={buttonStyles({ variant: "ghost" })}>
          Clear
        </Link>
      </div>
    </form>
  );
}

/** `<input type="datetime-local">` wants `YYYY-MM-DDTHH:mm[:ss]`; a date or ISO instant from a link is shown that way. */
function asLocalInput(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T00:00`;
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?)/.exec(value);
  return match ? match[1] : undefined;
}
