/** What a cosign tag holds; kept free of imports so pages can describe artifacts too. */
export type CosignKind = "signature" | "attestation" | "sbom";

/** "2 signatures, 1 attestation": what comes along, for plans and pages. */
export function describeCosignArtifacts(artifacts: readonly { kind: CosignKind; count: number }[]): string {
  const total = (kind: CosignKind) => artifacts.filter((a) => a.kind === kind).reduce((sum, a) => sum + a.count, 0);
  const parts = [
    [total("signature"), "signature", "signatures"],
    [total("attestation"), "attestation", "attestations"],
    [total("sbom"), "SBOM", "SBOMs"],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, one, many]) => `${n} ${n === 1 ? one : many}`)
    .join(", ");
}
