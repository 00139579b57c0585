import { listConnectionRepositories } from "@/lib/connections/list-connection-repositories";

const SHOWN = 200;

/** What the credential can see, asked when the page renders (streamed in behind a Suspense boundary). */
export async function RepositoriesList({ id }: { id: string }) {
  const listing = await listConnectionRepositories(id);
  return (
    <div className="space-y-2" data-testid="repositories">
      {listing.problem ? <p className="text-sm text-muted">{listing.problem}</p> : null}
      {listing.repositories.length === 0 && !listing.problem ? (
        <p className="text-sm text-muted">No repositories yet.</p>
      ) : null}
      {listing.repositories.length > 0 ? (
        <>
          <p className="text-xs text-muted">
            {listing.repositories.length} {listing.repositories.length === 1 ? "repository" : "repositories"}, read from{" "}
            {listing.source === "api" ? "the provider's API" : "the registry's catalog"}
          </p>
          <ul
            className="max-h-72 overflow-auto rounded-lg border border-border font-mono text-[13px]"
            aria-label="Repositories"
          >
            {listing.repositories.slice(0, SHOWN).map((name) => (
              <li key={name} className="border-b border-border px-3 py-1.5 last:border-b-0">
                {name}
              </li>
            ))}
          </ul>
          {listing.repositories.length > SHOWN ? (
            <p className="text-xs text-muted">and {listing.repositories.length - SHOWN} more</p>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
