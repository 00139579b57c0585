import crypto from "node:crypto";
import { DSSEBundleBuilder, MessageSignatureBundleBuilder } from "@sigstore/sign";
import { bundleToJSON } from "@sigstore/bundle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RegistryClient } from "@/lib/oci/registry-client";
import { fetchManifest } from "@/lib/oci/remote-manifest";
import { removeBuiltImages, seedImage, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import {
  createTestSigstore,
  pushBundleReferrer,
  pushCosignSignatures,
  signPayload,
  simpleSigningPayload,
  type TestSigstore,
} from "@/test/fixtures/test-sigstore";
import { checkImageSignature } from "./check-image-signature";
import { keyFingerprint } from "./public-keys";
import type { SignaturePolicy } from "./signature-policy.schema";
import { expiresSoon, parseTrustedRoot } from "./trusted-root";

let registry: RunningRegistry;
let client: RegistryClient;
let sigstore: TestSigstore;
let count = 0;
const vendorKey = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const edKey = crypto.generateKeyPairSync("ed25519");
const otherKey = crypto.generateKeyPairSync("ec", { namedCurve: "P-384" });
const pem = (key: crypto.KeyObject) => key.export({ type: "spki", format: "pem" }).toString();
const keys = (...list: crypto.KeyObject[]): SignaturePolicy & { mode: "keys" } => ({
  mode: "keys",
  publicKeys: list.map(pem),
});
const issuer = "https://token.actions.example";
const subject = "https://github.com/vendor/release/.github/workflows/release.yml@refs/heads/main";

beforeAll(async () => {
  registry = await startRegistry();
  client = new RegistryClient({ registry: registry.host, insecure: true, side: "source" });
  sigstore = await createTestSigstore();
}, 60_000);

afterAll(async () => {
  await client?.close();
  await registry?.stop();
  await removeBuiltImages();
});

/** A fresh image in its own repository, so every case starts unsigned. */
async function freshImage(): Promise<{ repository: string; image: BuiltImage; reference: string }> {
  count += 1;
  const repository = `vendor/app${count}`;
  const image = await seedImage(registry, repository, "1.0.0", { layers: [{ size: 512, seed: `sig-${count}` }] });
  return { repository, image, reference: `${registry.host}/${repository}` };
}

const check = (policy: Exclude<SignaturePolicy, { mode: "off" }>, repository: string, digest: string) =>
  checkImageSignature({
    client,
    policy,
    trustedRoot: parseTrustedRoot(sigstore.trustedRoot),
    repository,
    digest,
  });

describe("cosign signatures with keys", () => {
  it("verifies a P-256 and an Ed25519 signature, each signer named once by its fingerprint", async () => {
    const { repository, image, reference } = await freshImage();
    const payload = simpleSigningPayload(reference, image.manifestDigest);
    await pushCosignSignatures(registry, repository, image.manifestDigest, [
      { payload, signature: signPayload(vendorKey.privateKey, payload) },
      { payload, signature: signPayload(vendorKey.privateKey, payload) },
      { payload, signature: signPayload(edKey.privateKey, payload) },
    ]);
    const result = await check(keys(vendorKey.publicKey, edKey.publicKey), repository, image.manifestDigest);
    expect(result).toEqual({
      status: "verified",
      signers: [keyFingerprint(vendorKey.publicKey), keyFingerprint(edKey.publicKey)],
      reason: null,
    });
  });

  it("calls an image without signatures unsigned", async () => {
    const { repository, image } = await freshImage();
    expect(await check(keys(vendorKey.publicKey), repository, image.manifestDigest)).toMatchObject({
      status: "unsigned",
      signers: [],
    });
  });

  it("refuses a signature by another key, a tampered payload, another digest and another repository", async () => {
    const byOther = await freshImage();
    const payload = simpleSigningPayload(byOther.reference, byOther.image.manifestDigest);
    await pushCosignSignatures(registry, byOther.repository, byOther.image.manifestDigest, [
      { payload, signature: signPayload(otherKey.privateKey, payload) },
    ]);
    expect(await check(keys(vendorKey.publicKey), byOther.repository, byOther.image.manifestDigest)).toEqual({
      status: "invalid",
      signers: [],
      reason: "not signed by the policy's key",
    });

    const tampered = await freshImage();
    const signed = simpleSigningPayload(tampered.reference, tampered.image.manifestDigest);
    const changed = Buffer.from(signed.toString().replace('"optional":null', '"optional":{"x":"y"}'));
    await pushCosignSignatures(registry, tampered.repository, tampered.image.manifestDigest, [
      { payload: changed, signature: signPayload(vendorKey.privateKey, signed) },
    ]);
    expect(await check(keys(vendorKey.publicKey), tampered.repository, tampered.image.manifestDigest)).toMatchObject({
      status: "invalid",
      reason: "not signed by the policy's key",
    });

    // A valid signature of another image, copied next to this one.
    const victim = await freshImage();
    const elsewhere = simpleSigningPayload(victim.reference, byOther.image.manifestDigest);
    await pushCosignSignatures(registry, victim.repository, victim.image.manifestDigest, [
      { payload: elsewhere, signature: signPayload(vendorKey.privateKey, elsewhere) },
    ]);
    const another = await check(keys(vendorKey.publicKey), victim.repository, victim.image.manifestDigest);
    expect(another.status).toBe("invalid");
    expect(another.reason).toMatch(/^the signature is for another image \(sha256:/);

    const renamed = await freshImage();
    const wrongRepo = simpleSigningPayload(`${registry.host}/vendor/other`, renamed.image.manifestDigest);
    await pushCosignSignatures(registry, renamed.repository, renamed.image.manifestDigest, [
      { payload: wrongRepo, signature: signPayload(vendorKey.privateKey, wrongRepo) },
    ]);
    expect(await check(keys(vendorKey.publicKey), renamed.repository, renamed.image.manifestDigest)).toMatchObject({
      status: "invalid",
      reason: `the signature names repository ${registry.host}/vendor/other, not ${renamed.repository}`,
    });
  });
});

describe("keyless cosign signatures against an uploaded trusted root", () => {
  it("verifies the certificate, its log entry and the identity, offline", async () => {
    const { repository, image, reference } = await freshImage();
    const { certPem, key } = await sigstore.issue({ subject, issuer });
    const payload = simpleSigningPayload(reference, image.manifestDigest);
    const signature = signPayload(key, payload);
    await pushCosignSignatures(registry, repository, image.manifestDigest, [
      { payload, signature, certificate: certPem, bundle: sigstore.rekorBundle(signature, payload, certPem) },
    ]);
    const identity = `${subject} (${issuer})`;
    expect(await check({ mode: "keyless", issuer, subject }, repository, image.manifestDigest)).toEqual({
      status: "verified",
      signers: [identity],
      reason: null,
    });
    const pattern = "https://github\\.com/vendor/release/.*";
    expect(
      await check({ mode: "keyless", issuer, subjectPattern: pattern }, repository, image.manifestDigest),
    ).toMatchObject({ status: "verified" });
    expect(
      await check({ mode: "keyless", issuer, subject: "someone@else.example" }, repository, image.manifestDigest),
    ).toMatchObject({ status: "invalid", reason: `signed by ${identity}, which does not match someone@else.example` });
    expect(
      await check({ mode: "keyless", issuer: "https://other.example", subject }, repository, image.manifestDigest),
    ).toMatchObject({ status: "invalid", reason: `signed by ${identity}, not by issuer https://other.example` });
    // Only a regular expression over the whole subject counts.
    expect(
      await check({ mode: "keyless", issuer, subjectPattern: "vendor/release" }, repository, image.manifestDigest),
    ).toMatchObject({ status: "invalid" });
  });

  it("refuses a certificate from a CA that is not in the trusted root", async () => {
    const { repository, image, reference } = await freshImage();
    const stranger = await createTestSigstore();
    const { certPem, key } = await stranger.issue({ subject, issuer });
    const payload = simpleSigningPayload(reference, image.manifestDigest);
    const signature = signPayload(key, payload);
    await pushCosignSignatures(registry, repository, image.manifestDigest, [
      { payload, signature, certificate: certPem, bundle: stranger.rekorBundle(signature, payload, certPem) },
    ]);
    const result = await check({ mode: "keyless", issuer, subject }, repository, image.manifestDigest);
    expect(result.status).toBe("invalid");
    expect(result.reason).toMatch(/tlog inclusion promise error|certificate error/);
  });
});

describe("sigstore bundles attached as referrers, made by the sigstore npm signer", () => {
  it("verifies a DSSE in-toto bundle signed with a key", async () => {
    const { repository, image, reference } = await freshImage();
    const builder = new DSSEBundleBuilder({
      signer: {
        sign: async (data) => ({
          signature: crypto.sign("sha256", data, vendorKey.privateKey),
          key: { $case: "publicKey", publicKey: pem(vendorKey.publicKey), hint: "vendor" },
        }),
      },
      witnesses: [],
    });
    const statement = {
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ name: reference, digest: { sha256: image.manifestDigest.slice(7) } }],
      predicateType: "https://sigstore.dev/cosign/sign/v1",
      predicate: {},
    };
    const bundle = await builder.create({
      data: Buffer.from(JSON.stringify(statement)),
      type: "application/vnd.in-toto+json",
    });
    await pushBundleReferrer(registry, repository, subjectOf(image), bundleToJSON(bundle));
    expect(await check(keys(vendorKey.publicKey), repository, image.manifestDigest)).toEqual({
      status: "verified",
      signers: [keyFingerprint(vendorKey.publicKey)],
      reason: null,
    });
    expect(await check(keys(otherKey.publicKey), repository, image.manifestDigest)).toMatchObject({
      status: "invalid",
    });
  });

  it("verifies a keyless message signature over the manifest with a log entry", async () => {
    const { repository, image } = await freshImage();
    const manifest = (await fetchManifest({ client, repository, reference: image.manifestDigest })).bytes;
    const { certPem, key } = await sigstore.issue({ subject: "release@vendor.example", issuer });
    const builder = new MessageSignatureBundleBuilder({
      signer: {
        sign: async (data) => ({
          signature: crypto.sign("sha256", data, key),
          key: { $case: "x509Certificate", certificate: certPem },
        }),
      },
      witnesses: [
        {
          testify: async (content) => {
            const signature =
              content.$case === "messageSignature" ? content.messageSignature.signature : Buffer.from("");
            return { tlogEntries: [sigstore.tlogEntry(signature, manifest, certPem)] };
          },
        },
      ],
    });
    const bundle = await builder.create({ data: manifest });
    await pushBundleReferrer(registry, repository, subjectOf(image), bundleToJSON(bundle));
    expect(
      await check({ mode: "keyless", issuer, subject: "release@vendor.example" }, repository, image.manifestDigest),
    ).toEqual({ status: "verified", signers: [`release@vendor.example (${issuer})`], reason: null });
  });
});

describe("trusted root", () => {
  it("knows when its keys end and warns 30 days before", async () => {
    const soon = new Date(Date.now() + 10 * 86_400_000);
    const root = parseTrustedRoot((await createTestSigstore({ caValidUntil: soon })).trustedRoot);
    expect(root.expiresAt?.toISOString()).toBe(soon.toISOString());
    expect(expiresSoon(root.expiresAt)).toBe(true);
    expect(expiresSoon(parseTrustedRoot(sigstore.trustedRoot).expiresAt)).toBe(false);
    expect(() => parseTrustedRoot({ mediaType: "text/plain" })).toThrow(/mediaType/);
  });
});

function subjectOf(image: BuiltImage) {
  return { digest: image.manifestDigest, mediaType: image.mediaType, size: manifestSize(image) };
}

function manifestSize(image: BuiltImage): number {
  return image.size - image.blobs.reduce((sum, blob) => sum + blob.size, 0);
}
