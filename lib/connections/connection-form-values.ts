import type { RegistryProvider } from "@/lib/registries/connection";
import { fieldsFor, type FieldSpec } from "@/lib/registries/form-fields";
import { providerInfo } from "@/lib/registries/providers";
import type { ConnectionView } from "./connection-view";

/**
 * The connection form's state: one value per FieldSpec name (`auth.username`,
 * `settings.scanOnPush`). Pure and browser-safe, so the form validates as the user types
 * with the same zod schema the server uses.
 */
export type FormValues = Record<string, string | boolean>;

/** A new form of `provider`: each field's default, empty otherwise. */
export function defaultFormValues(provider: RegistryProvider): FormValues {
  return Object.fromEntries(
    fieldsFor(provider).map((field) => [field.name, field.defaultValue ?? (field.kind === "checkbox" ? false : "")]),
  );
}

/**
 * A stored connection back in its form's shape, the inverse of toConnectionFields: the
 * Artifact Registry path is joined again, ECR's credential source comes from its settings.
 * Secret fields stay empty: an empty secret on edit keeps the stored one.
 */
export function formValuesOf(view: ConnectionView): FormValues {
  const values = defaultFormValues(view.provider);
  const settings = view.settings;
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  Object.assign(values, {
    name: view.name,
    endpoint: view.endpoint,
    namespace: view.namespace ?? "",
    insecure: view.insecure,
    caPem: view.caPem ?? "",
    "auth.kind": view.authKind,
    "auth.username": view.username ?? "",
    bandwidthLimitMbps: view.bandwidthLimitMbps === null ? "" : String(view.bandwidthLimitMbps),
  });
  switch (view.provider) {
    case "artifact_registry":
      values.endpoint = `${view.endpoint}/${view.namespace ?? ""}`;
      break;
    case "gcr":
      values.endpoint = view.namespace ? `${view.endpoint}/${view.namespace}` : view.endpoint;
      break;
    case "ecr":
      Object.assign(values, {
        "auth.source": settings.useDefaultChain === true ? "default_chain" : "access_key",
        "auth.accessKeyId": view.username ?? "",
        "auth.roleArn": text(settings.roleArn),
        "auth.externalId": text(settings.externalId),
        "settings.tagImmutability": settings.tagImmutability === true,
        "settings.scanOnPush": settings.scanOnPush === true,
      });
      break;
    case "acr":
      values["settings.credentialType"] = text(settings.credentialType) || "service_principal";
      break;
    default:
      break;
  }
  return keepFieldsOf(view.provider, values);
}

/** Whether a field shows, given the other values (`visibleWhen`). */
export function isFieldVisible(field: FieldSpec, values: FormValues): boolean {
  return !field.visibleWhen || field.visibleWhen.equals.includes(values[field.visibleWhen.field] ?? "");
}

/**
 * The create or edit body for the form's values: hidden fields and empty optional ones are
 * left out, empty secrets too when editing (the stored one is kept), and a provider with a
 * single kind of credentials gets it filled in.
 */
export function bodyOf(
  provider: RegistryProvider,
  values: FormValues,
  options: { editing: boolean },
): Record<string, unknown> {
  const body: Record<string, unknown> = { provider };
  const fields = fieldsFor(provider);
  if (!fields.some((field) => field.name === "auth.kind"))
    setPath(body, "auth.kind", providerInfo(provider).authKinds[0]);
  for (const field of fields) {
    if (!isFieldVisible(field, values)) continue;
    const value = values[field.name];
    if (field.kind === "checkbox") {
      setPath(body, field.name, value === true);
      continue;
    }
    const text = typeof value === "string" ? value : "";
    if (text.trim() === "" && (!field.required || (field.secret && options.editing))) continue;
    setPath(body, field.name, text);
  }
  return body;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    node = (typeof next === "object" && next !== null ? next : (node[part] = {})) as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}

/** Only the provider's own fields, so values of another form never reach the body. */
function keepFieldsOf(provider: RegistryProvider, values: FormValues): FormValues {
  const names = new Set(fieldsFor(provider).map((field) => field.name));
  return Object.fromEntries(Object.entries(values).filter(([name]) => names.has(name)));
}
