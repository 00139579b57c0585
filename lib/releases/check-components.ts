import "server-only";
import { loadConnection } from "@/lib/connections/load-connection";
import { isOciError } from "@/lib/oci/errors";
import { listTags } from "@/lib/oci/list-tags";
import { oneLine, redact } from "@/lib/oci/redact";
import { RegistryClient } from "@/lib/oci/registry-client";
import { openRegistry, registryClientOptions } from "@/lib/registries/open-registry";
import type { RegistryAdapter } from "@/lib/registries/registry-adapter";

/** How long saving a channel waits for the source to answer; a slow source only costs the warning. */
const CHECK_TIMEOUT_MS = 15_000;

/**
 * Asks the source for one tag of each component, so a misspelt repository is named when the
 * channel is saved instead of at its first sync. Warnings only: the channel is saved anyway
 * (the vendor may publish the repository later). Empty when every component answered, or
 * when the source connection does not exist (the change itself then says so).
 */
export async function checkComponents(sourceRegistryId: string, components: readonly string[]): Promise<string[]> {
  let loaded;
  try {
    loaded = await loadConnection(sourceRegistryId);
  } catch {
    return [];
  }
  const { row, connection } = loaded;
  const secrets = connection.secret ? [connection.secret] : [];
  const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
  let adapter: RegistryAdapter | undefined;
  let client: RegistryClient | undefined;
  try {
    adapter = await openRegistry(connection);
    const source = new RegistryClient(registryClientOptions(adapter, { side: "source" }));
    client = source;
    const answers = await Promise.allSettled(
      components.map((repository) => listTags(source, repository, { pageSize: 1, limit: 1, signal })),
    );
    const missing = components.filter((_, index) => {
      const answer = answers[index]!;
      return answer.status === "rejected" && isOciError(answer.reason) && answer.reason.kind === "not_found";
    });
    const other = answers.find(
      (answer): answer is PromiseRejectedResult =>
        answer.status === "rejected" && !(isOciError(answer.reason) && answer.reason.kind === "not_found"),
    );
    const warnings = missing.map(
      (repository) => `component ${repository}: not found at ${row.name}; check the repository path`,
    );
    if (other) warnings.push(couldNotCheck(row.name, other.reason, signal, [...secrets, ...adapter.secrets()]));
    return warnings;
  } catch (error) {
    return [couldNotCheck(row.name, error, signal, [...secrets, ...(adapter?.secrets() ?? [])])];
  } finally {
    await client?.close().catch(() => undefined);
    await adapter?.close().catch(() => undefined);
  }
}

function couldNotCheck(registryName: string, error: unknown, signal: AbortSignal, secrets: string[]): string {
  const why = signal.aborted
    ? `no answer within ${CHECK_TIMEOUT_MS / 1000} s`
    : isOciError(error)
      ? error.message
      : `unexpected failure (${error instanceof Error ? error.name : typeof error})`;
  return oneLine(redact(`the components could not be checked at ${registryName}: ${why}`, secrets), 300);
}
