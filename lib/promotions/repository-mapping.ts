import { UserError } from "@/lib/change/errors";
import { REPOSITORY_PATH } from "@/lib/registries/connection-input";

/** How component repositories are named at the target (the API's and the form's shape). */
export type RepositoryMapping =
  { repositoryPrefix: string } | { repositoryNames: Record<string, string> } | Record<string, never>;

const NAME_MAX_LENGTH = 255;

/**
 * The target repository of a source component. A prefix replaces the source namespace and
 * keeps the last path segment (`vendor/api` and `vendor/sub/api` → `team/api`); explicit
 * names map a component to a full path, and a component they leave out keeps its path. The
 * target connection's namespace, when it has one, goes in front unless the path already
 * starts with it, as for repositories created by hand. The result must fit the OCI name
 * grammar; the error names the field and the component.
 */
export function mapRepository(
  component: string,
  mapping: RepositoryMapping,
  options: { namespace?: string | null } = {},
): string {
  let field = "repositoryNames";
  let path = component;
  if ("repositoryPrefix" in mapping) {
    field = "repositoryPrefix";
    const prefix = mapping.repositoryPrefix.trim().replace(/^\/+|\/+$/g, "");
    const last = component.split("/").pop()!;
    path = prefix ? `${prefix}/${last}` : last;
  } else if ("repositoryNames" in mapping && mapping.repositoryNames[component] !== undefined) {
    field = `repositoryNames.${component}`;
    path = mapping.repositoryNames[component]!.trim().replace(/^\/+|\/+$/g, "");
  }
  const namespace = options.namespace?.replace(/^\/+|\/+$/g, "");
  if (namespace && path !== namespace && !path.startsWith(`${namespace}/`)) path = `${namespace}/${path}`;
  if (!REPOSITORY_PATH.test(path)) {
    throw new UserError(
      `${field}: ${JSON.stringify(path)} (for ${component}) is not a valid repository path: lowercase letters, digits and . _ -, parts separated by /`,
      field,
    );
  }
  if (path.length > NAME_MAX_LENGTH)
    throw new UserError(
      `${field}: the repository for ${component} is ${path.length} characters; at most ${NAME_MAX_LENGTH} are allowed`,
      field,
    );
  return path;
}

/** The mapping as stored on Promotion.repositoryMapping (`{ prefix }` or `{ names }`). */
export function storedMapping(
  mapping: RepositoryMapping,
): { prefix: string } | { names: Record<string, string> } | Record<string, never> {
  if ("repositoryPrefix" in mapping) return { prefix: mapping.repositoryPrefix };
  if ("repositoryNames" in mapping) return { names: mapping.repositoryNames };
  return {};
}

/** Promotion.repositoryMapping back to the API's shape. */
export function mappingOf(stored: unknown): RepositoryMapping {
  if (typeof stored !== "object" || stored === null) return {};
  const value = stored as { prefix?: unknown; names?: unknown };
  if (typeof value.prefix === "string") return { repositoryPrefix: value.prefix };
  if (typeof value.names === "object" && value.names !== null)
    return { repositoryNames: value.names as Record<string, string> };
  return {};
}

/** The mapping an input asks for. */
export function mappingFromInput(input: {
  repositoryPrefix?: string;
  repositoryNames?: Record<string, string>;
}): RepositoryMapping {
  if (input.repositoryPrefix !== undefined) return { repositoryPrefix: input.repositoryPrefix };
  if (input.repositoryNames !== undefined) return { repositoryNames: input.repositoryNames };
  return {};
}
