"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { z } from "zod";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { Select } from "@/components/ui/select";
import { addRegistry, editRegistry } from "@/lib/actions/registries";
import { bodyOf, defaultFormValues, isFieldVisible, type FormValues } from "@/lib/connections/connection-form-values";
import { registryProviders, type RegistryProvider } from "@/lib/registries/connection";
import { connectionEditSchema, connectionInputSchema } from "@/lib/registries/connection-input";
import { fieldsFor } from "@/lib/registries/form-fields";
import { providerCatalogue } from "@/lib/registries/providers";
import { ConnectionFieldInput } from "./connection-field-input";

export type ConnectionFormMode =
  | { kind: "create" }
  | { kind: "edit"; id: string; provider: RegistryProvider; initial: FormValues; hasSecret: boolean };

type CreateInput = Parameters<typeof addRegistry>[0];
type EditInput = Parameters<typeof editRegistry>[0];

/**
 * Connect or edit a registry: the provider's form from its FieldSpecs, validated as the user
 * types with the same schema the server applies (a field shows its message once it was left
 * or the form was submitted), and the server's per-field messages beside the fields.
 */
export function ConnectionForm({ mode }: { mode: ConnectionFormMode }) {
  const router = useRouter();
  const editing = mode.kind === "edit";
  const [provider, setProvider] = useState<RegistryProvider>(editing ? mode.provider : "generic");
  const [values, setValues] = useState<FormValues>(editing ? mode.initial : defaultFormValues("generic"));
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const create = useAction(addRegistry);
  const edit = useAction(editRegistry);
  const { pending, error, fieldErrors } = editing ? edit : create;

  const fields = fieldsFor(provider).filter((field) => isFieldVisible(field, values));
  const body = bodyOf(provider, values, { editing });
  const issues = issuesOf((editing ? connectionEditSchema : connectionInputSchema).safeParse(body));
  const errorFor = (name: string) => ((touched.has(name) || submitted) && issues[name]) || fieldErrors[name];
  const elsewhere = submitted
    ? Object.entries(issues).filter(([name]) => !fields.some((field) => field.name === name))
    : [];
  // A server error about fields already shown beside them needs no banner as well.
  const serverFields = Object.keys(fieldErrors);
  const banner =
    serverFields.length > 0 && serverFields.every((name) => fields.some((field) => field.name === name)) ? null : error;

  function chooseProvider(next: RegistryProvider) {
    setProvider(next);
    setValues({ ...defaultFormValues(next), name: values.name ?? "" });
    setTouched(new Set());
    setSubmitted(false);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(issues).length > 0) return;
    // The body is checked against the schema above, and again on the server.
    if (mode.kind === "edit")
      edit.run({ ...body, id: mode.id } as EditInput, () => router.push(`/registries/${mode.id}`));
    else create.run(body as CreateInput, (data) => router.push(`/registries/${data.id}`));
  }

  const info = providerCatalogue[provider];
  return (
    <Card>
      <CardHeader title={editing ? `Edit ${info.label} connection` : "Connection"} description={info.description} />
      <CardBody>
        <form
          onSubmit={onSubmit}
          className="grid gap-4 sm:grid-cols-2"
          noValidate
          aria-label={editing ? "Edit registry connection" : "Connect a registry"}
        >
          {editing ? null : (
            <Field label="Provider" className="sm:col-span-2">
              {(control) => (
                <Select
                  {...control}
                  name="provider"
                  value={provider}
                  onChange={(e) => chooseProvider(e.target.value as RegistryProvider)}
                >
                  {registryProviders.map((id) => (
                    <option key={id} value={id}>
                      {providerCatalogue[id].label}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          )}
          {fields.map((spec) => (
            <ConnectionFieldInput
              key={`${provider}-${spec.name}`}
              spec={spec}
              value={values[spec.name] ?? ""}
              error={errorFor(spec.name) || undefined}
              keepsSecret={editing && mode.hasSecret}
              onChange={(value) => setValues((current) => ({ ...current, [spec.name]: value }))}
              onBlur={() => setTouched((current) => new Set(current).add(spec.name))}
            />
          ))}
          <div className="flex items-center gap-3 sm:col-span-2">
            <Button type="submit" variant="primary" pending={pending}>
              {editing ? "Save changes" : "Connect registry"}
            </Button>
            <Button variant="ghost" onClick={() => router.back()}>
              Cancel
            </Button>
          </div>
          <FormError
            className="sm:col-span-2"
            message={
              banner ??
              (elsewhere.length > 0 ? elsewhere.map(([name, message]) => `${name}: ${message}`).join("; ") : null)
            }
          />
        </form>
      </CardBody>
    </Card>
  );
}

/** First message per field path, as runChange reports them. */
function issuesOf(result: z.ZodSafeParseResult<unknown>): Record<string, string> {
  if (result.success) return {};
  const issues: Record<string, string> = {};
  for (const issue of result.error.issues) issues[issue.path.join(".") || "input"] ??= issue.message;
  return issues;
}
