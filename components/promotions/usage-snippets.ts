/**
 * What an operator pastes after a promotion succeeds: digest-pinned references, a
 * docker-compose `services:` block and Helm values, built from the images' target refs and
 * verified digests. Pure, so it is tested without a browser.
 */

export interface PushedImage {
  component: string;
  /** The target reference with its tag, e.g. `registry.example.com/team/api:1.4.2`. */
  target: string;
  /** The digest the target answered with (verified); falls back to the source digest. */
  digest: string;
}

export interface PinnedReference {
  component: string;
  /** The short name used as compose service and Helm key, e.g. `api`. */
  name: string;
  repository: string;
  tag: string | null;
  digest: string;
  /** `repository@digest`: what a deployment should pull. */
  pinned: string;
  /** `repository:tag@digest`: pinned, with the tag kept for people reading it. */
  taggedPinned: string;
}

export function pinnedReferences(images: readonly PushedImage[]): PinnedReference[] {
  return images.map((image) => {
    const { repository, tag } = splitReference(image.target);
    return {
      component: image.component,
      name: shortName(image.component),
      repository,
      tag,
      digest: image.digest,
      pinned: `${repository}@${image.digest}`,
      taggedPinned: `${repository}${tag ? `:${tag}` : ""}@${image.digest}`,
    };
  });
}

/** A docker-compose fragment: one service per image, `image:` pinned by digest. */
export function composeSnippet(references: readonly PinnedReference[]): string {
  const lines = ["services:"];
  for (const reference of references) {
    lines.push(`  ${reference.name}:`, `    image: ${reference.taggedPinned}`);
  }
  return lines.join("\n");
}

/** Helm values: `image.repository`, `image.tag` and `image.digest` under one key per image. */
export function helmSnippet(references: readonly PinnedReference[]): string {
  const lines: string[] = [];
  for (const reference of references) {
    lines.push(`${helmKey(reference.name)}:`, "  image:", `    repository: ${reference.repository}`);
    if (reference.tag) lines.push(`    tag: ${quoteYaml(reference.tag)}`);
    lines.push(`    digest: ${reference.digest}`);
  }
  return lines.join("\n");
}

/** `host:5000/team/api:1.2@sha256:…` → repository `host:5000/team/api`, tag `1.2`. */
export function splitReference(reference: string): { repository: string; tag: string | null } {
  const at = reference.indexOf("@");
  const withoutDigest = at === -1 ? reference : reference.slice(0, at);
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  if (colon > lastSlash) return { repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) };
  return { repository: withoutDigest, tag: null };
}

/** The last path segment of the component repository: `vendor/self-hosted-api` → `self-hosted-api`. */
function shortName(component: string): string {
  const segment = component.slice(component.lastIndexOf("/") + 1);
  return segment.replace(/[^a-zA-Z0-9_.-]/g, "-") || "image";
}

/** Helm templates read `.Values.selfHostedApi` more easily than a key with dashes. */
function helmKey(name: string): string {
  return name.replace(/[-_.]+([a-zA-Z0-9])/g, (_match, next: string) => next.toUpperCase());
}

/** Tags like `1.10` or `true` would be read by YAML as numbers or booleans. */
function quoteYaml(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}
