"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { previewPromotion, promote } from "@/lib/actions/promotions";
import type { PromotionPlan } from "@/lib/promotions/promotion-plan";
import { PlanReview } from "./plan-review";

export interface TargetOption {
  id: string;
  name: string;
  endpoint: string;
  namespace: string | null;
  providerLabel: string;
  sizeLimitBytes: number | null;
  approvalsRequired: number;
}

type MappingMode = "prefix" | "names";

/**
 * Target, repository mapping, "Review plan", then "Confirm". Any change after the review
 * drops the plan, so what is confirmed is always what was reviewed.
 */
export function PromoteForm({
  releaseId,
  tag,
  components,
  targets,
}: {
  releaseId: string;
  tag: string;
  components: string[];
  targets: TargetOption[];
}) {
  const router = useRouter();
  const [targetId, setTargetId] = useState(() => targets[0]!.id);
  const target = targets.find((t) => t.id === targetId) ?? targets[0]!;
  const [mode, setMode] = useState<MappingMode>("prefix");
  const [prefix, setPrefix] = useState<string | null>(null);
  const [names, setNames] = useState<Record<string, string>>({});
  const [movingTag, setMovingTag] = useState("");
  const [plan, setPlan] = useState<PromotionPlan | null>(null);
  const preview = useAction(previewPromotion);
  const confirm = useAction(promote);

  const effectivePrefix = prefix ?? defaultPrefix(target);
  const nameOf = (component: string) =>
    names[component] ?? `${effectivePrefix.replace(/\/*$/, "/").replace(/^\/$/, "")}${lastSegment(component)}`;
  const moving = movingTag.trim() ? { movingTag: movingTag.trim() } : {};
  const input =
    mode === "prefix"
      ? { releaseId, targetRegistryId: target.id, repositoryPrefix: effectivePrefix, ...moving }
      : {
          releaseId,
          targetRegistryId: target.id,
          repositoryNames: Object.fromEntries(components.map((c) => [c, nameOf(c)])),
          ...moving,
        };

  /** Every edit invalidates a reviewed plan. */
  function edit(apply: () => void) {
    apply();
    setPlan(null);
  }

  function onReview(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    preview.run(input, setPlan);
  }

  function onConfirm() {
    confirm.run(input, (created) => router.push(`/promotions/${created.id}`));
  }

  const fieldErrors = { ...preview.fieldErrors, ...confirm.fieldErrors };
  const blocked =
    plan !== null && (plan.sizeLimit.exceeded.length > 0 || plan.images.some((image) => image.status === "failed"));

  return (
    <form onSubmit={onReview} noValidate aria-label="Promote" className="space-y-6">
      <Card>
        <CardHeader title="Target" description="A registry connection to copy the images into." />
        <CardBody className="space-y-4">
          <Field label="Target registry" error={fieldErrors.targetRegistryId}>
            {(control) => (
              <Select {...control} value={target.id} onChange={(event) => edit(() => setTargetId(event.target.value))}>
                {targets.map((option) => (
                  <option key={option.id} value={option.id}>
                    {option.name} — {option.providerLabel}, {option.endpoint}
                    {option.namespace ? `/${option.namespace}` : ""}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          {target.approvalsRequired > 0 ? (
            <p className="text-sm text-muted">
              {target.name} asks for {target.approvalsRequired} approval{target.approvalsRequired === 1 ? "" : "s"} from
              someone other than you before anything moves.
            </p>
          ) : null}
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title="Repository names"
          description={`Where each component lands at ${target.name}${target.namespace ? ` (under its namespace ${target.namespace}/)` : ""}, tagged ${tag}.`}
        />
        <CardBody className="space-y-4">
          <fieldset className="flex flex-wrap gap-4 text-sm">
            <legend className="sr-only">Mapping</legend>
            <label className="inline-flex items-center gap-2">
              <input
                type="radio"
                name="mode"
                value="prefix"
                checked={mode === "prefix"}
                onChange={() => edit(() => setMode("prefix"))}
              />
              One prefix for all
            </label>
            <label className="inline-flex items-center gap-2">
              <input
                type="radio"
                name="mode"
                value="names"
                checked={mode === "names"}
                onChange={() => edit(() => setMode("names"))}
              />
              A name per component
            </label>
          </fieldset>
          {mode === "prefix" ? (
            <Field
              label="Repository prefix"
              hint="Replaces the vendor's namespace: vendor/api becomes <prefix>api."
              error={fieldErrors.repositoryPrefix}
            >
              {(control) => (
                <Input
                  {...control}
                  mono
                  name="repositoryPrefix"
                  value={effectivePrefix}
                  onChange={(event) => edit(() => setPrefix(event.target.value))}
                />
              )}
            </Field>
          ) : (
            <div className="space-y-3">
              {components.map((component) => (
                <Field
                  key={component}
                  label={component}
                  error={
                    fieldErrors[`repositoryNames.${component}`] ??
                    (component === components[0] ? fieldErrors.repositoryNames : undefined)
                  }
                >
                  {(control) => (
                    <Input
                      {...control}
                      mono
                      value={nameOf(component)}
                      onChange={(event) =>
                        edit(() => setNames((current) => ({ ...current, [component]: event.target.value })))
                      }
                    />
                  )}
                </Field>
              ))}
            </div>
          )}
          <Field
            label="Moving tag (optional)"
            hint={`A tag such as stable that follows the promoted release: it moves with ${tag}, all components at once.`}
            error={fieldErrors.movingTag}
          >
            {(control) => (
              <Input
                {...control}
                mono
                name="movingTag"
                value={movingTag}
                onChange={(event) => edit(() => setMovingTag(event.target.value))}
              />
            )}
          </Field>
          <ul className="space-y-0.5 font-mono text-xs text-muted" aria-label="Target repositories">
            {components.map((component) => (
              <li key={component}>
                {component} → {target.endpoint}/{withNamespace(target.namespace, nameOf(component))}:{tag}
              </li>
            ))}
          </ul>
        </CardBody>
      </Card>

      <FormError
        message={preview.error && !Object.keys(preview.fieldErrors).length ? preview.error : null}
        title="The plan could not be made"
      />
      {plan ? null : (
        <div className="flex justify-end">
          <Button type="submit" variant="primary" pending={preview.pending}>
            {preview.pending ? "Planning…" : "Review plan"}
          </Button>
        </div>
      )}

      {plan ? (
        <>
          <PlanReview plan={plan} target={target} />
          <FormError message={confirm.error} title="The promotion was not created" />
          <div className="flex items-center justify-end gap-2">
            <Button onClick={() => setPlan(null)}>Change</Button>
            <Button variant="primary" onClick={onConfirm} pending={confirm.pending} disabled={blocked}>
              {plan.upToDate ? "Confirm (nothing to move)" : "Confirm"}
            </Button>
          </div>
        </>
      ) : null}
    </form>
  );
}

/** The connection's namespace when it has one (mapping adds it anyway), else the usual team/ prefix. */
function defaultPrefix(target: TargetOption): string {
  return target.namespace ? `${target.namespace.replace(/\/+$/, "")}/` : "team/";
}

function lastSegment(component: string): string {
  return component.slice(component.lastIndexOf("/") + 1);
}

/** Mirrors the engine's rule for display: the namespace goes in front unless the path starts with it. */
function withNamespace(namespace: string | null, path: string): string {
  const clean = path.trim().replace(/^\/+|\/+$/g, "");
  const ns = namespace?.replace(/^\/+|\/+$/g, "");
  return ns && clean !== ns && !clean.startsWith(`${ns}/`) ? `${ns}/${clean}` : clean;
}
