import crypto from "node:crypto";

/**
 * The identity of what a promotion will do — the release's image digests, the target and
 * the mapping — as sha256 of canonical JSON (sorted keys). Approvals bind to it: a
 * different plan voids them.
 */
export function planHash(input: {
  images: { component: string; digest: string }[];
  targetRegistryId: string;
  mapping: unknown;
}): string {
  const images = [...input.images]
    .map(({ component, digest }) => ({ component, digest }))
    .sort((a, b) => a.component.localeCompare(b.component));
  return crypto
    .createHash("sha256")
    .update(canonicalJson({ images, targetRegistryId: input.targetRegistryId, mapping: input.mapping }))
    .digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
