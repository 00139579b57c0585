"use client";

import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import type { FieldSpec } from "@/lib/registries/form-fields";

interface ConnectionFieldInputProps {
  spec: FieldSpec;
  value: string | boolean;
  error?: string;
  /** Editing a connection that has a secret: an empty secret field keeps it. */
  keepsSecret: boolean;
  onChange(value: string | boolean): void;
  onBlur(): void;
}

/** One input of the data-driven connection form, drawn from its FieldSpec. */
export function ConnectionFieldInput({ spec, value, error, keepsSecret, onChange, onBlur }: ConnectionFieldInputProps) {
  const id = `connection-${spec.name.replace(/\./g, "-")}`;
  if (spec.kind === "checkbox") {
    return (
      <div className="space-y-1 sm:col-span-2">
        <label htmlFor={id} className="flex items-center gap-2 text-sm font-medium text-fg">
          <input
            id={id}
            type="checkbox"
            className="size-4 accent-accent"
            checked={value === true}
            onChange={(e) => onChange(e.target.checked)}
            onBlur={onBlur}
          />
          {spec.label}
        </label>
        {spec.hint ? <p className="pl-6 text-xs text-muted">{spec.hint}</p> : null}
        {error ? <p className="pl-6 text-xs font-medium text-danger">{error}</p> : null}
      </div>
    );
  }
  const text = typeof value === "string" ? value : "";
  const hint = spec.secret && keepsSecret ? joinHints("Leave empty to keep the current secret.", spec.hint) : spec.hint;
  const wide = spec.kind === "textarea" || spec.name === "endpoint";
  return (
    <Field
      id={id}
      label={spec.label}
      hint={hint}
      error={error}
      optional={!spec.required || (spec.secret && keepsSecret)}
      className={wide ? "sm:col-span-2" : undefined}
    >
      {(control) => {
        const common = { ...control, name: spec.name, onBlur };
        if (spec.kind === "select") {
          return (
            <Select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
              {spec.options?.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </Select>
          );
        }
        if (spec.kind === "textarea") {
          return (
            <Textarea
              {...common}
              mono
              rows={spec.secret ? 6 : 4}
              value={text}
              placeholder={spec.placeholder}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => onChange(e.target.value)}
            />
          );
        }
        return (
          <Input
            {...common}
            type={spec.kind === "password" ? "password" : "text"}
            mono={spec.name === "endpoint" || spec.name === "namespace"}
            value={text}
            placeholder={spec.placeholder}
            autoComplete={spec.secret ? "new-password" : "off"}
            spellCheck={false}
            onChange={(e) => onChange(e.target.value)}
          />
        );
      }}
    </Field>
  );
}

function joinHints(first: string, second: string | undefined): string {
  return second ? `${first} ${second}` : first;
}
