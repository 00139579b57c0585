"use client";

import { useRef, useState, type FormEvent } from "react";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { addUser } from "@/lib/actions/users";
import { roles, type Role } from "@/lib/auth/roles";

export function AddUserForm() {
  const formRef = useRef<HTMLFormElement>(null);
  const [created, setCreated] = useState<string | null>(null);
  const { run, pending, error, fieldErrors } = useAction(addUser);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = {
      email: String(form.get("email")),
      name: String(form.get("name") || ""),
      role: String(form.get("role")) as Role,
      password: String(form.get("password")),
    };
    setCreated(null);
    run(input, () => {
      setCreated(input.email.trim().toLowerCase());
      formRef.current?.reset();
    });
  }

  return (
    <Card>
      <CardHeader
        title="Add a user"
        description="They sign in with this email and password; share the password with them safely."
      />
      <CardBody>
        <form ref={formRef} onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-2" noValidate>
          <Field label="Email" error={fieldErrors.email}>
            {(p) => <Input {...p} name="email" type="email" required />}
          </Field>
          <Field label="Name" optional error={fieldErrors.name}>
            {(p) => <Input {...p} name="name" />}
          </Field>
          <Field label="Role" error={fieldErrors.role}>
            {(p) => (
              <Select {...p} name="role" defaultValue="operator">
                {roles.map((role) => (
                  <option key={role} value={role}>
                    {role}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="Initial password" hint="At least 12 characters." error={fieldErrors.password}>
            {(p) => <Input {...p} name="password" type="password" autoComplete="new-password" required />}
          </Field>
          <div className="flex items-center gap-3 sm:col-span-2">
            <Button type="submit" variant="primary" pending={pending}>
              Add user
            </Button>
            {created ? (
              <p className="text-sm text-success" role="status">
                Added {created}.
              </p>
            ) : null}
          </div>
          <FormError message={error} className="sm:col-span-2" />
        </form>
      </CardBody>
    </Card>
  );
}
