"use client";

import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/actions/action-client";

/**
 * Runs a server action from a client component: tracks pending state and the server's
 * form-level and per-field errors, and calls `onSuccess` with the result.
 */
export function useAction<I, T>(action: (input: I) => Promise<ActionResult<T>>) {
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [pending, startTransition] = useTransition();

  function run(input: I, onSuccess?: (data: T) => void) {
    setError(null);
    setFieldErrors({});
    startTransition(async () => {
      const result = await action(input);
      if (!result.ok) {
        setError(result.error);
        setFieldErrors(result.fieldErrors ?? {});
        return;
      }
      onSuccess?.(result.data);
    });
  }

  return { run, pending, error, fieldErrors };
}
