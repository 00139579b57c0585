"use client";

import Link from "next/link";
import { buttonStyles, Button } from "@/components/ui/button";
import { AlertIcon } from "@/components/ui/icons";

type ErrorPageProps = {
  error: unknown;
  retry: () => void;
};

/**
 * Deliberately generic: an error's message can carry registry URLs with credentials, so it
 * is never shown. The digest matches the server log entry for support.
 */
export default function ErrorPage({ error, retry }: ErrorPageProps) {
  const digest = digestOf(error);
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center px-6 text-center">
      <span className="flex size-10 items-center justify-center rounded-lg border border-danger/25 bg-danger/10 text-danger">
        <AlertIcon className="size-5" />
      </span>
      <h1 className="mt-5 text-xl font-semibold tracking-tight text-fg">Something went wrong</h1>
      <p className="mt-2 max-w-sm text-sm text-muted">
        Gantry could not show this page. Try again; if it keeps failing, give your administrator the reference below.
      </p>
      {digest ? (
        <p className="mt-4 text-xs text-muted">
          Reference{" "}
          <code className="rounded bg-surface-muted px-1.5 py-0.5 font-mono text-fg select-all">{digest}</code>
        </p>
      ) : null}
      <div className="mt-6 flex gap-2">
        <Button variant="primary" onClick={retry}>
          Try again
        </Button>
        <Link href="/releases" className={buttonStyles({ variant: "secondary" })}>
          Go to Releases
        </Link>
      </div>
    </main>
  );
}

function digestOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("digest" in error)) return undefined;
  return typeof error.digest === "string" ? error.digest : undefined;
}
