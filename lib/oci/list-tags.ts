import { OciError } from "./errors";
import { fetchBytes } from "./fetch-bytes";
import { Header } from "./media-types";
import { headerOf, type RegistryClient } from "./registry-client";
import { scopesFor } from "./remote-manifest";

export interface ListOptions {
  /** Entries per page to ask for (the registry may send fewer). */
  pageSize?: number;
  /** Stop after this many entries (default 100 000). */
  limit?: number;
  signal?: AbortSignal;
}

const DEFAULT_LIMIT = 100_000;
const MAX_PAGES = 10_000;
const MAX_PAGE_BYTES = 16 * 1024 * 1024;

/** Every tag of a repository, following the `Link: <…>; rel="next"` pages. */
export async function listTags(
  client: RegistryClient,
  repository: string,
  options: ListOptions = {},
): Promise<string[]> {
  return paginate(client, `/v2/${repository}/tags/list`, "tags", scopesFor(repository), options);
}

/**
 * Every repository the credentials may see (`/v2/_catalog`). Many hosted registries refuse
 * it (Docker Hub, GHCR): that is a `denied` or `auth` error, not an empty list.
 */
export async function listCatalog(client: RegistryClient, options: ListOptions = {}): Promise<string[]> {
  return paginate(client, "/v2/_catalog", "repositories", ["registry:catalog:*"], options);
}

async function paginate(
  client: RegistryClient,
  path: string,
  field: "tags" | "repositories",
  scopes: string[],
  options: ListOptions,
): Promise<string[]> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const out: string[] = [];
  let url: string | undefined = options.pageSize ? `${path}?n=${options.pageSize}` : path;
  const seen = new Set<string>();
  for (let page = 0; url && page < MAX_PAGES && out.length < limit; page++) {
    if (seen.has(url)) break; // a registry that links a page to itself must not loop us
    seen.add(url);
    const { response, bytes } = await fetchBytes(
      client,
      { method: "GET", url, scopes, ok: [200], signal: options.signal },
      {
        maxBytes: MAX_PAGE_BYTES,
        tooLarge: (size) =>
          new OciError(`${path} answered a page of ${size}`, { kind: "too_large", side: client.side }),
      },
    );
    const text = bytes.toString("utf8");
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new OciError(
        `${client.side ?? "registry"} ${client.registry} answered ${path} with something other than JSON`,
        {
          kind: "network",
          side: client.side,
          code: "LIST_INVALID",
        },
      );
    }
    const entries = Array.isArray(body[field])
      ? (body[field] as unknown[]).filter((t): t is string => typeof t === "string")
      : [];
    out.push(...entries);
    url = nextPage(headerOf(response, Header.link), response.url);
  }
  return out.slice(0, limit);
}

/** The `rel="next"` target of a Link header, resolved against the request URL. */
export function nextPage(link: string | undefined, base: URL): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(",")) {
    const match = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (match && /rel="?next"?/i.test(match[2]!)) {
      const next = new URL(match[1]!, base);
      return `${next.pathname}${next.search}`;
    }
  }
  return undefined;
}
