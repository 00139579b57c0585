"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { Input } from "@/components/ui/input";

export function SignInForm({
  oidcName,
  initialError,
  callbackUrl,
}: {
  oidcName: string | null;
  initialError: string | null;
  callbackUrl: string;
}) {
  const router = useRouter();
  const [error, setError] = useState(initialError);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn("password", {
      email: String(form.get("email")),
      password: String(form.get("password")),
      redirect: false,
    });
    setPending(false);
    if (result?.ok && !result.error) {
      router.replace(callbackUrl);
      router.refresh();
      return;
    }
    setError(result?.error === "CredentialsSignin" || !result?.error ? "Wrong email or password." : result.error);
  }

  return (
    <div className="space-y-5">
      <div className="space-y-1">
        <h1 className="text-lg font-semibold text-fg">Sign in</h1>
        <p className="text-sm text-muted">Use the account an admin created for you.</p>
      </div>
      <FormError message={error} />
      <form className="space-y-4" onSubmit={onSubmit} noValidate>
        <Field label="Email">
          {(p) => <Input {...p} name="email" type="email" autoComplete="username" required autoFocus />}
        </Field>
        <Field label="Password">
          {(p) => <Input {...p} name="password" type="password" autoComplete="current-password" required />}
        </Field>
        <Button type="submit" variant="primary" className="w-full" pending={pending}>
          Sign in
        </Button>
      </form>
      {oidcName ? (
        <Button type="button" className="w-full" onClick={() => signIn("oidc", { callbackUrl })}>
          Continue with {oidcName}
        </Button>
      ) : null}
    </div>
  );
}
