// Bundled and run by bench/signatures.mjs: what signature verification adds to a sync and a plan of
// a three-component release, against a real registry on 127.0.0.1, keys and keyless.
import crypto from "node:crypto";
import type { Digest } from "@/lib/oci/digest";
import { findSboms } from "@/lib/oci/find-sboms";
import { RegistryClient } from "@/lib/oci/registry-client";
import { checkImageSignature } from "@/lib/signatures/check-image-signature";
import { readSignatures } from "@/lib/signatures/read-signatures";
import { verifySignatures } from "@/lib/signatures/verify-signatures";
import type { SignaturePolicy } from "@/lib/signatures/signature-policy.schema";
import { parseTrustedRoot } from "@/lib/signatures/trusted-root";
import { pushCosignArtifacts } from "@/test/fixtures/cosign-artifacts";
import { removeBuiltImages, seedImage } from "@/test/fixtures/oci-image";
import { startRegistry } from "@/test/fixtures/registry";
import { runCommand } from "@/test/fixtures/run-command";
import {
  createTestSigstore,
  pushCosignSignatures,
  signPayload,
  simpleSigningPayload,
} from "@/test/fixtures/test-sigstore";

const rounds = Number(process.argv[2] ?? 20);
const components = ["vendor/api", "vendor/engine", "vendor/license-proxy"];
const issuer = "https://token.actions.example";
const subject = "https://github.com/vendor/release/.github/workflows/release.yml@refs/tags/v1";

const registry = await startRegistry();
try {
  const sigstore = await createTestSigstore();
  const root = parseTrustedRoot(sigstore.trustedRoot);
  const key = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  const { certPem, key: leafKey } = await sigstore.issue({ subject, issuer });
  const images: { repository: string; digest: string }[] = [];
  for (const repository of components) {
    const built = await seedImage(registry, repository, "1.0.0", { layers: [{ size: 4096, seed: repository }] });
    const payload = simpleSigningPayload(`${registry.host}/${repository}`, built.manifestDigest);
    const keyless = signPayload(leafKey, payload);
    await pushCosignSignatures(registry, repository, built.manifestDigest, [
      { payload, signature: signPayload(key.privateKey, payload) },
      { payload, signature: keyless, certificate: certPem, bundle: sigstore.rekorBundle(keyless, payload, certPem) },
    ]);
    // An SPDX .sbom of 200 packages each: what the sync's SBOM detection reads and counts.
    await pushCosignArtifacts(registry, repository, built.manifestDigest, { sbom: true, sbomPackages: 200 });
    images.push({ repository, digest: built.manifestDigest });
  }
  const policies: Record<string, Exclude<SignaturePolicy, { mode: "off" }>> = {
    keys: { mode: "keys", publicKeys: [key.publicKey.export({ type: "spki", format: "pem" }).toString()] },
    keyless: { mode: "keyless", issuer, subject },
  };
  const checkAll = (client: RegistryClient, policy: Exclude<SignaturePolicy, { mode: "off" }>) =>
    Promise.all(images.map((image) => checkImageSignature({ client, policy, trustedRoot: root, ...image })));

  for (const [name, policy] of Object.entries(policies)) {
    const sync: number[] = [];
    const plan: number[] = [];
    const warm = new RegistryClient({ registry: registry.host, insecure: true, side: "source" });
    for (let round = 0; round < rounds; round += 1) {
      // A sync opens its own connection to check signatures; a plan reuses the open source client.
      let start = performance.now();
      const fresh = new RegistryClient({ registry: registry.host, insecure: true, side: "source" });
      const results = await checkAll(fresh, policy);
      await fresh.close();
      sync.push(performance.now() - start);
      if (results.some((r) => r.status !== "verified")) throw new Error(`${name}: ${JSON.stringify(results)}`);
      start = performance.now();
      await checkAll(warm, policy);
      plan.push(performance.now() - start);
    }
    // The crypto alone, signatures already read: what is left once the registry answers at once.
    const found = await Promise.all(images.map((image) => readSignatures({ client: warm, ...image })));
    const cpu: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const start = performance.now();
      images.forEach((image, index) =>
        verifySignatures(found[index]!, {
          policy,
          trustedRoot: root,
          repository: image.repository,
          digest: image.digest,
        }),
      );
      cpu.push(performance.now() - start);
    }
    await warm.close();
    console.log(`${name.padEnd(8)} sync +${stats(sync)}   plan +${stats(plan)}   verify only ${stats(cpu)}`);
  }

  // SBOM detection at sync (issue 15 part 6): cosign .sbom/.att tags and referrers of the three images, fresh client.
  const detect: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const start = performance.now();
    const fresh = new RegistryClient({ registry: registry.host, insecure: true, side: "source" });
    const found = await Promise.all(
      images.map((image) =>
        findSboms({ client: fresh, repository: image.repository, subject: image.digest as Digest }),
      ),
    );
    await fresh.close();
    detect.push(performance.now() - start);
    if (found.some((sboms) => sboms[0]?.packages !== 200)) throw new Error(`sboms: ${JSON.stringify(found)}`);
  }
  console.log(`sboms    sync +${stats(detect)} (three .sbom documents of 200 packages, referrers API + fallback)`);

  // The reading alone, as skopeo does it: the three signature manifests, one after another.
  const skopeo: number[] = [];
  for (let round = 0; round < Math.min(rounds, 5); round += 1) {
    const start = performance.now();
    for (const image of images)
      await runCommand("skopeo", [
        "inspect",
        "--raw",
        "--tls-verify=false",
        `docker://${registry.host}/${image.repository}:${image.digest.replace(":", "-")}.sig`,
      ]);
    skopeo.push(performance.now() - start);
  }
  console.log(`skopeo   inspect --raw of the 3 .sig manifests: ${stats(skopeo)}`);
} finally {
  await registry.stop();
  await removeBuiltImages();
}

function stats(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms (n=${ms.length})`;
}
