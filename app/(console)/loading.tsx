import { Spinner } from "@/components/ui/spinner";

/** Shown inside the shell while a section's server data loads. */
export default function ConsoleLoading() {
  return (
    <div aria-busy="true">
      <div className="mb-6 space-y-2">
        <div className="h-6 w-40 animate-pulse rounded-md bg-surface-hover" />
        <div className="h-4 w-80 max-w-full animate-pulse rounded-md bg-surface-hover/70" />
      </div>
      <div className="flex h-48 items-center justify-center rounded-lg border border-border bg-surface text-muted">
        <Spinner label="Loading" className="size-5" />
      </div>
    </div>
  );
}
