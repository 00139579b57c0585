import { formatReference, parseReference, type Reference } from "@/lib/oci/reference";
import { UsageError } from "../command";

export interface CopyPair {
  source: Reference;
  target: Reference;
}

/**
 * Turns `SRC... DST` into pairs. One SRC may name any DST reference (its tag defaults to the
 * source's). Several SRCs need DST to be a prefix ending in `/`, which replaces each source's
 * namespace: `host/vendor/api:1.2` → `DSTHOST/team/api:1.2` for `DSTHOST/team/`.
 */
export function mapCopyTargets(sources: string[], destination: string): CopyPair[] {
  if (sources.length === 0) throw new UsageError("expected at least one SRC and a DST");
  const parsed = sources.map((s) => parseOrUsage(s, "SRC"));
  const registries = new Set(parsed.map((s) => s.registry));
  if (registries.size > 1)
    throw new UsageError(`all sources must be on one registry; got ${[...registries].join(", ")}`);
  const pairs = destination.endsWith("/")
    ? parsed.map((source) => ({ source, target: underPrefix(source, destination) }))
    : single(parsed, destination);
  const seen = new Set<string>();
  for (const { target } of pairs) {
    const key = formatReference(target);
    if (seen.has(key)) throw new UsageError(`two sources would be copied to ${key}`);
    seen.add(key);
  }
  return pairs;
}

function single(sources: Reference[], destination: string): CopyPair[] {
  if (sources.length > 1)
    throw new UsageError(
      "with several sources, DST must be a repository prefix ending in / (e.g. registry.example.com/team/)",
    );
  const source = sources[0]!;
  const target = parseOrUsage(destination, "DST");
  if (!target.tag && !target.digest) Object.assign(target, pinOf(source));
  return [{ source, target }];
}

function underPrefix(source: Reference, prefix: string): Reference {
  const trimmed = prefix.replace(/\/+$/, "");
  const name = source.repository.split("/").pop()!;
  const slash = trimmed.indexOf("/");
  // `HOST/` alone keeps just the image name; parsing a full reference validates both parts.
  const target = parseOrUsage(`${trimmed}/${name}`, "DST prefix");
  if (slash < 0 && !/[.:]/.test(trimmed) && trimmed !== "localhost") {
    throw new UsageError(`DST prefix ${JSON.stringify(prefix)} must start with a registry host (host[:port]/...)`);
  }
  return { registry: target.registry, repository: target.repository, ...pinOf(source) };
}

function pinOf(source: Reference): Pick<Reference, "tag" | "digest"> {
  if (source.tag) return { tag: source.tag };
  if (source.digest) return { digest: source.digest };
  return { tag: "latest" };
}

function parseOrUsage(text: string, what: string): Reference {
  try {
    return parseReference(text);
  } catch (error) {
    throw new UsageError(`${what}: ${(error as Error).message}`);
  }
}
