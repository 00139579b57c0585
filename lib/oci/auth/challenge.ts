/** One challenge of a WWW-Authenticate header (RFC 7235), scheme lowercased. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses `Bearer realm="…",service="…",scope="a b"` and headers carrying several challenges
 * (`Basic realm="x", Bearer realm="y"`). Parameter names are lowercased; quoted values keep
 * their commas and lose their escapes.
 */
export function parseChallenges(header: string | undefined): Challenge[] {
  if (!header) return [];
  const challenges: Challenge[] = [];
  let i = 0;
  const skip = (pattern: RegExp) => {
    while (i < header.length && pattern.test(header[i]!)) i++;
  };
  const token = () => {
    const start = i;
    while (i < header.length && /[!#$%&'*+.^_`|~0-9A-Za-z-]/.test(header[i]!)) i++;
    return header.slice(start, i);
  };
  let current: Challenge | undefined;
  for (let guard = 0; i < header.length && guard < 1000; guard++) {
    skip(/[\s,]/);
    const name = token();
    if (!name) {
      i++;
      continue;
    }
    skip(/\s/);
    if (header[i] === "=" && current) {
      i++;
      skip(/\s/);
      current.params[name.toLowerCase()] = header[i] === '"' ? quoted() : token();
    } else {
      current = { scheme: name.toLowerCase(), params: {} };
      challenges.push(current);
    }
  }
  return challenges;

  function quoted(): string {
    let value = "";
    for (i++; i < header!.length && header![i] !== '"'; i++) {
      if (header![i] === "\\" && i + 1 < header!.length) i++;
      value += header![i];
    }
    i++;
    return value;
  }
}

/** The challenge lib/oci should answer: Bearer when offered, else Basic. */
export function pickChallenge(challenges: Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === "bearer") ?? challenges.find((c) => c.scheme === "basic");
}

/** `repository:team/api:pull,push` */
export function repositoryScope(repository: string, actions: readonly string[]): string {
  return `repository:${repository}:${actions.join(",")}`;
}

/**
 * Merges scopes that name the same resource (`repository:a:pull` + `repository:a:push` →
 * `repository:a:pull,push`) and sorts them, so equal sets give equal cache keys.
 */
export function normalizeScopes(scopes: readonly string[]): string[] {
  const byResource = new Map<string, Set<string>>();
  for (const scope of scopes) {
    const last = scope.lastIndexOf(":");
    if (last <= 0) continue;
    const resource = scope.slice(0, last);
    const actions = byResource.get(resource) ?? new Set<string>();
    scope
      .slice(last + 1)
      .split(",")
      .filter(Boolean)
      .forEach((a) => actions.add(a));
    byResource.set(resource, actions);
  }
  return [...byResource.entries()].map(([resource, actions]) => `${resource}:${[...actions].sort().join(",")}`).sort();
}

/** Whether a token granted for `held` also covers `wanted` (every resource, every action). */
export function scopesCover(held: readonly string[], wanted: readonly string[]): boolean {
  const have = new Map(normalizeScopes(held).map((s) => splitScope(s)));
  return normalizeScopes(wanted).every((scope) => {
    const [resource, actions] = splitScope(scope);
    const granted = have.get(resource);
    return granted !== undefined && actions.split(",").every((a) => granted.split(",").includes(a) || granted === "*");
  });
}

function splitScope(scope: string): [string, string] {
  const last = scope.lastIndexOf(":");
  return [scope.slice(0, last), scope.slice(last + 1)];
}
