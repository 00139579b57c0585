import "server-only";
import { listTags } from "@/lib/oci/list-tags";
import { providerInfo } from "@/lib/registries/providers";
import type { OpenedRegistry } from "./open-promotion-registries";

/**
 * Which of the target repositories exist: from the provider's API where it has one (ECR,
 * Artifact Registry), else by asking each repository for its tags (a 404 means absent).
 */
export async function existingRepositories(
  target: OpenedRegistry,
  repositories: string[],
  signal?: AbortSignal,
): Promise<Set<string>> {
  const info = providerInfo(target.adapter.provider);
  if (info.lists === "api" && target.adapter.listRepositories) {
    try {
      return new Set(await target.adapter.listRepositories({ signal }));
    } catch {
      return new Set();
    }
  }
  const found = new Set<string>();
  await Promise.all(
    [...new Set(repositories)].map(async (repository) => {
      const tags = await listTags(target.client, repository, { limit: 1, signal }).catch(() => [] as string[]);
      if (tags.length > 0) found.add(repository);
    }),
  );
  return found;
}
