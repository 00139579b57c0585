/** The failure kinds (docs/architecture.md, Statuses) as people read them. */
const labels: Record<string, string> = {
  auth: "Credentials refused",
  not_found: "Not found",
  too_large: "Over the size limit",
  storage: "Target storage",
  network: "Network",
  denied: "Denied by policy",
  digest_mismatch: "Digest mismatch",
};

export function failureKindLabel(kind: string): string {
  return labels[kind] ?? kind;
}
