import "server-only";
import { isOciError } from "@/lib/oci/errors";
import { inspectImage, type ImageInspection } from "@/lib/oci/inspect-image";
import { createLimiter } from "@/lib/oci/limiter";
import { listTags } from "@/lib/oci/list-tags";
import { headManifest } from "@/lib/oci/remote-manifest";
import { redact, oneLine } from "@/lib/oci/redact";
import { RegistryClient } from "@/lib/oci/registry-client";
import { openRegistry, registryClientOptions } from "@/lib/registries/open-registry";
import type { RegistryConnection } from "@/lib/registries/connection";
import type { RegistryAdapter } from "@/lib/registries/registry-adapter";
import { compileTagPattern } from "./channel.schema";
import { readImageCreated } from "./read-image-created";
import { MAX_TAGS_RESOLVED_PER_SYNC } from "./sync-limits";
import { compareKeys, naturalKey, orderTags, sortKey, type TagOrdering } from "./tag-ordering";

/** Manifest requests in flight at once during a sync. */
const CONCURRENCY = 4;

export interface DiscoveryChannel {
  name: string;
  components: string[];
  tagPattern: string;
  ordering: TagOrdering;
}

export interface KnownRelease {
  tag: string;
  sortKey: string;
  /** repository → digest */
  digests: Record<string, string>;
}

export interface DiscoveredImage {
  repository: string;
  digest: string;
  mediaType: string;
  platforms: string[];
  size: number;
}

export interface DiscoveredRelease {
  tag: string;
  sortKey: string;
  /** Every component, resolved now (a new tag, or a known one whose digests moved); unchanged known tags have none. */
  images: DiscoveredImage[] | null;
}

export interface Discovery {
  /** Tags that match the pattern and are present in every component: the channel's releases upstream now. */
  presentTags: string[];
  /** The newest of those (at most MAX_TAGS_RESOLVED_PER_SYNC), resolved or checked this sync. */
  releases: DiscoveredRelease[];
  /** Matching tags missing from some component: not releases (yet). */
  incomplete: { tag: string; missingIn: string[] }[];
  /** Present tags the ordering cannot place, with why. */
  excluded: { tag: string; reason: string }[];
  /** Present tags older than the newest MAX_TAGS_RESOLVED_PER_SYNC that were not stored before: left alone. */
  skipped: number;
}

/** A sync that cannot complete: one line saying which component or tag and why, safe to show and store. */
export class SyncFailure extends Error {
  override name = "SyncFailure";
}

/**
 * The network half of a sync: list the tags of every component (paginated), keep those that
 * match the pattern and exist in every component, order them, and resolve the newest few —
 * each component's digest, media type, platforms and size. Tags already known are only
 * HEADed, and resolved again only when a digest moved.
 */
export async function discoverReleases(options: {
  channel: DiscoveryChannel;
  connection: RegistryConnection;
  registryName: string;
  known: KnownRelease[];
  signal?: AbortSignal;
}): Promise<Discovery> {
  const { channel, connection, signal } = options;
  let pattern: RegExp;
  try {
    pattern = compileTagPattern(channel.tagPattern);
  } catch (error) {
    throw new SyncFailure(`${(error as Error).message}; edit the channel`);
  }
  const secrets = connection.secret ? [connection.secret] : [];
  let adapter: RegistryAdapter | undefined;
  let client: RegistryClient | undefined;
  const fail = (where: string, error: unknown): SyncFailure =>
    new SyncFailure(describeFailure(where, error, options.registryName, [...secrets, ...(adapter?.secrets() ?? [])]));
  try {
    try {
      adapter = await openRegistry(connection);
    } catch (error) {
      throw fail(`source ${options.registryName}`, error);
    }
    client = new RegistryClient(registryClientOptions(adapter, { side: "source" }));
    const source = client;

    // All at once, but a failure is reported for the first failing component in the channel's
    // order, so the same problem reads the same on every sync (and is audited once).
    const listed = await Promise.allSettled(
      channel.components.map((repository) => listTags(source, repository, { pageSize: 1000, signal })),
    );
    const tagLists = listed.map((outcome, index) => {
      if (outcome.status === "rejected")
        throw fail(`component ${channel.components[index]}: listing tags`, outcome.reason);
      return new Set(outcome.value.filter((tag) => pattern.test(tag)));
    });
    const matching = [...new Set(tagLists.flatMap((tags) => [...tags]))];
    const presentTags = matching.filter((tag) => tagLists.every((tags) => tags.has(tag)));
    const incomplete = newestFirst(
      matching.filter((tag) => !presentTags.includes(tag)),
      channel.ordering,
    ).map((tag) => ({ tag, missingIn: channel.components.filter((_, index) => !tagLists[index]!.has(tag)) }));

    const known = new Map(options.known.map((release) => [release.tag, release]));
    const { candidates, excluded, skipped } = chooseCandidates(channel.ordering, presentTags, known);
    const limiter = createLimiter(CONCURRENCY);
    const resolved = await Promise.all(
      candidates.map((tag) =>
        limiter.run(() =>
          resolveRelease({ client: source, adapter: adapter!, channel, tag, known: known.get(tag), fail, signal }),
        ),
      ),
    );
    const releases = resolved.filter((release): release is DiscoveredRelease => release !== null);
    const unplaced = resolved.flatMap((release, index) =>
      release === null ? [{ tag: candidates[index]!, reason: "the image config has no created time to order by" }] : [],
    );
    return { presentTags, releases, incomplete, excluded: [...excluded, ...unplaced], skipped };
  } finally {
    await client?.close().catch(() => undefined);
    await adapter?.close().catch(() => undefined);
  }
}

/**
 * The tags to resolve: the newest MAX_TAGS_RESOLVED_PER_SYNC by the ordering. Push time is
 * only known after reading each image, so for `pushed` the newest by tag name stand in.
 */
function chooseCandidates(ordering: TagOrdering, presentTags: string[], known: Map<string, KnownRelease>) {
  if (ordering === "pushed") {
    const byName = [...presentTags].sort((a, b) => compareKeys(naturalKey(b), naturalKey(a)));
    const candidates = byName.slice(0, MAX_TAGS_RESOLVED_PER_SYNC);
    return {
      candidates,
      excluded: [],
      skipped: byName.slice(MAX_TAGS_RESOLVED_PER_SYNC).filter((tag) => !known.has(tag)).length,
    };
  }
  const { ordered, excluded } = orderTags(presentTags, ordering);
  const candidates = ordered.slice(0, MAX_TAGS_RESOLVED_PER_SYNC).map((entry) => entry.tag);
  return {
    candidates,
    excluded,
    skipped: ordered.slice(MAX_TAGS_RESOLVED_PER_SYNC).filter((entry) => !known.has(entry.tag)).length,
  };
}

/** Tags newest first where the tag alone says so; by name (numbers as numbers) otherwise. */
function newestFirst(tags: string[], ordering: TagOrdering): string[] {
  const key = (tag: string) => {
    const result = ordering === "pushed" ? undefined : sortKey(tag, ordering);
    return result?.ok ? `1${result.key}` : `0${naturalKey(tag)}`;
  };
  return tags
    .map((tag) => ({ tag, key: key(tag) }))
    .sort((a, b) => compareKeys(b.key, a.key))
    .map((entry) => entry.tag);
}

async function resolveRelease(args: {
  client: RegistryClient;
  adapter: RegistryAdapter;
  channel: DiscoveryChannel;
  tag: string;
  known: KnownRelease | undefined;
  fail: (where: string, error: unknown) => SyncFailure;
  signal?: AbortSignal;
}): Promise<DiscoveredRelease | null> {
  const { client, adapter, channel, tag, known, fail, signal } = args;
  if (known && (await unchanged(args))) return { tag, sortKey: known.sortKey, images: null };

  const images: DiscoveredImage[] = [];
  for (const repository of channel.components) {
    let inspection: ImageInspection;
    try {
      inspection = await inspectImage(client, { registry: adapter.registry, repository, tag }, signal);
    } catch (error) {
      throw fail(`component ${repository}, tag ${tag}`, error);
    }
    images.push({
      repository,
      digest: inspection.digest,
      mediaType: inspection.mediaType,
      platforms: [...new Set(inspection.platforms.map((p) => p.platform))],
      size: inspection.size,
    });
  }
  if (channel.ordering !== "pushed") {
    const key = sortKey(tag, channel.ordering);
    return key.ok ? { tag, sortKey: key.key, images } : null;
  }
  let created: string | undefined;
  try {
    created = await readImageCreated(client, channel.components[0]!, images[0]!.digest, signal);
  } catch (error) {
    throw fail(`component ${channel.components[0]}, tag ${tag}: reading the image config`, error);
  }
  const key = sortKey(tag, "pushed", { created });
  return key.ok ? { tag, sortKey: key.key, images } : null;
}

/** A known release whose every component still has the stored digest needs nothing more than HEADs. */
async function unchanged(args: {
  client: RegistryClient;
  channel: DiscoveryChannel;
  tag: string;
  known?: KnownRelease;
  fail: (where: string, error: unknown) => SyncFailure;
  signal?: AbortSignal;
}): Promise<boolean> {
  for (const repository of args.channel.components) {
    const stored = args.known?.digests[repository];
    if (!stored) return false;
    let head;
    try {
      head = await headManifest({ client: args.client, repository, reference: args.tag, signal: args.signal });
    } catch (error) {
      throw args.fail(`component ${repository}, tag ${args.tag}`, error);
    }
    if (head?.digest !== stored) return false;
  }
  return true;
}

/** One line naming where it failed, the kind of failure in words, and what to check. */
function describeFailure(where: string, error: unknown, registryName: string, secrets: string[]): string {
  const message = isOciError(error)
    ? error.message
    : error instanceof Error && error.name === "UserError"
      ? error.message
      : `unexpected failure (${error instanceof Error ? error.name : typeof error})`;
  const kind = isOciError(error) ? error.kind : undefined;
  const advice =
    kind === "auth"
      ? `authentication failed: ${message} (registry connection ${registryName})`
      : kind === "not_found"
        ? `not found: ${message}; check the component's repository path`
        : kind === "denied"
          ? `refused: ${message}`
          : kind === "network"
            ? `network problem: ${message}; check that ${registryName} is reachable, then sync again`
            : message;
  return oneLine(redact(`${where}: ${advice}`, secrets), 500);
}
