import { useId, type ReactNode } from "react";
import { cx } from "./class-names";
import { AlertIcon } from "./icons";
import { Label } from "./label";

/** What `Field` hands its control so label, hint and error are wired for assistive tech. */
export type FieldControlProps = {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: true;
};

type FieldProps = {
  label: ReactNode;
  /** Renders the control with the ids and aria attributes it must carry. */
  children: (control: FieldControlProps) => ReactNode;
  id?: string;
  hint?: ReactNode;
  /** Server-side validation message(s) for this field, e.g. from zod's `fieldErrors`. */
  error?: string | readonly string[];
  optional?: boolean;
  className?: string;
};

/**
 * Label + control + hint + error. Usage:
 * `<Field label="Endpoint" error={errors.host}>{(p) => <Input {...p} name="host" />}</Field>`
 */
export function Field({ label, children, id, hint, error, optional, className }: FieldProps) {
  const generatedId = useId();
  const controlId = id ?? `field-${generatedId}`;
  const hintId = `${controlId}-hint`;
  const errorId = `${controlId}-error`;
  const errors = error === undefined ? [] : typeof error === "string" ? [error] : error;
  const invalid = errors.length > 0;
  const describedBy = cx(hint ? hintId : null, invalid ? errorId : null) || undefined;

  return (
    <div className={cx("space-y-1.5", className)}>
      <Label htmlFor={controlId} optional={optional}>
        {label}
      </Label>
      {children({ id: controlId, "aria-describedby": describedBy, "aria-invalid": invalid ? true : undefined })}
      {hint ? (
        <p id={hintId} className="text-xs text-muted">
          {hint}
        </p>
      ) : null}
      {invalid ? (
        <div id={errorId} className="space-y-0.5">
          {errors.map((message) => (
            <p key={message} className="flex items-start gap-1.5 text-xs font-medium text-danger">
              <AlertIcon className="mt-px size-3.5 shrink-0" />
              <span>{message}</span>
            </p>
          ))}
        </div>
      ) : null}
    </div>
  );
}
