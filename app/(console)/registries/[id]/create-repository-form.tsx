"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { Input } from "@/components/ui/input";
import { addRegistryRepository } from "@/lib/actions/registries";

/** Creates a repository through the provider's API, under the connection's namespace. */
export function CreateRepositoryForm({ id, namespace, hint }: { id: string; namespace: string | null; hint: string }) {
  const router = useRouter();
  const [repository, setRepository] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const { run, pending, error, fieldErrors } = useAction(addRegistryRepository);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setDone(null);
    run({ id, repository }, (result) => {
      setDone(
        result.created ? `Created ${result.repository}.` : `${result.repository} exists already; nothing was created.`,
      );
      setRepository("");
      router.refresh();
    });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate aria-label="Create a repository">
      <div className="flex flex-wrap items-end gap-3">
        <Field
          label="New repository"
          hint={`${namespace ? `Created under ${namespace}/. ` : ""}${hint}`}
          error={fieldErrors.repository}
          className="min-w-64 flex-1"
        >
          {(control) => (
            <Input
              {...control}
              mono
              name="repository"
              placeholder="team/app"
              value={repository}
              onChange={(e) => setRepository(e.target.value)}
            />
          )}
        </Field>
        <Button type="submit" pending={pending} className="mb-5">
          Create repository
        </Button>
      </div>
      {done ? (
        <p className="text-sm text-success" role="status">
          {done}
        </p>
      ) : null}
      <FormError message={fieldErrors.repository ? null : error} />
    </form>
  );
}
