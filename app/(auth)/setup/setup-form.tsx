"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { Input } from "@/components/ui/input";
import { createFirstAdmin } from "@/lib/actions/setup";

export function SetupForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    const password = String(form.get("password"));
    // Say everything wrong at once: a short password is the likelier mistake than a typo.
    const errors: Record<string, string> = {};
    if (password.length < 12) errors.password = "Password must be at least 12 characters";
    if (password !== String(form.get("confirm"))) errors.confirm = "The two passwords differ";
    if (Object.keys(errors).length) {
      setFieldErrors(errors);
      return;
    }
    setPending(true);
    setError(null);
    setFieldErrors({});
    const result = await createFirstAdmin({ email, password, name: String(form.get("name") || "") });
    if (!result.ok) {
      setPending(false);
      setError(result.error);
      setFieldErrors(result.fieldErrors ?? {});
      return;
    }
    await signIn("password", { email, password, redirect: false });
    router.replace("/releases");
    router.refresh();
  }

  return (
    <div className="space-y-5">
      <div className="space-y-1">
        <h1 className="text-lg font-semibold text-fg">Create the first admin</h1>
        <p className="text-sm text-muted">
          Nobody has an account yet. The admin adds everyone else and connects registries.
        </p>
      </div>
      <FormError message={error} />
      <form className="space-y-4" onSubmit={onSubmit} noValidate>
        <Field label="Email" error={fieldErrors.email}>
          {(p) => <Input {...p} name="email" type="email" autoComplete="username" required autoFocus />}
        </Field>
        <Field label="Name" optional>
          {(p) => <Input {...p} name="name" autoComplete="name" />}
        </Field>
        <Field label="Password" hint="At least 12 characters." error={fieldErrors.password}>
          {(p) => <Input {...p} name="password" type="password" autoComplete="new-password" required />}
        </Field>
        <Field label="Confirm password" error={fieldErrors.confirm}>
          {(p) => <Input {...p} name="confirm" type="password" autoComplete="new-password" required />}
        </Field>
        <Button type="submit" variant="primary" className="w-full" pending={pending}>
          Create admin and sign in
        </Button>
      </form>
    </div>
  );
}
