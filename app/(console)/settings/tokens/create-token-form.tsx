"use client";

import { useState, type FormEvent } from "react";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { Field } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { addApiToken } from "@/lib/actions/users";
import { isAtLeast, roles, type Role } from "@/lib/auth/roles";

/** A token for the signed-in user: nobody creates one for someone else (see createApiToken). */
export function CreateTokenForm({ owner }: { owner: { email: string; role: Role } }) {
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const { run, pending, error, fieldErrors } = useAction(addApiToken);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = { name: String(form.get("name")), role: String(form.get("role")) as Role };
    run(input, (data) => setCreated({ name: input.name, token: data.token }));
  }

  return (
    <Card>
      <CardHeader
        title="Create a token"
        description="The token is shown once, right after you create it; Gantry keeps only its hash."
      />
      <CardBody className="space-y-4">
        {created ? (
          <div className="space-y-2" data-testid="new-token">
            <p className="text-sm text-fg">
              Token <strong>{created.name}</strong> — copy it now, it won&apos;t be shown again:
            </p>
            <CodeBlock code={created.token} copyLabel="Copy token" />
          </div>
        ) : null}
        <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-3" noValidate>
          <Field label="Name" hint="e.g. ci-release-pipeline" error={fieldErrors.name}>
            {(p) => <Input {...p} name="name" required />}
          </Field>
          <Field
            label="Owner"
            hint="You: each person creates their own tokens (a teammate's, with gantry tokens create on the server)"
            error={fieldErrors.email}
          >
            {(p) => <Input {...p} value={owner.email} readOnly />}
          </Field>
          <Field label="Role" error={fieldErrors.role}>
            {(p) => (
              <Select {...p} name="role" defaultValue={owner.role}>
                {roles
                  .filter((role) => isAtLeast(owner.role, role))
                  .map((role) => (
                    <option key={role} value={role}>
                      {role}
                    </option>
                  ))}
              </Select>
            )}
          </Field>
          <div className="sm:col-span-3">
            <Button type="submit" variant="primary" pending={pending}>
              Create token
            </Button>
          </div>
          <FormError message={error} className="sm:col-span-3" />
        </form>
      </CardBody>
    </Card>
  );
}
