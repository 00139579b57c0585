import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChange } from "@/lib/change/run-change";
import { createConnection } from "@/lib/connections/create-connection";
import { db } from "@/lib/db/prisma";
import { promoteImageJob } from "@/lib/queue/jobs/promote-image";
import { startAwsStandIn, type RunningAwsStandIn } from "@/test/fixtures/aws-stand-in";
import { createServiceAccountKey, type TestServiceAccount } from "@/test/fixtures/gcp-service-account";
import { startGcpStandIn, type RunningGcpStandIn } from "@/test/fixtures/gcp-stand-in";
import { removeBuiltImages, seedImage, skopeoInspectDigest, type BuiltImage } from "@/test/fixtures/oci-image";
import {
  startProviderStandIn,
  type ProviderStandInOptions,
  type StandInRequest,
} from "@/test/fixtures/provider-stand-in";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import {
  admin,
  client,
  connectRegistry,
  createRelease,
  promote,
  waitForPromotion,
} from "@/test/support/promotion-test-kit";
import { runWorker, type RunningWorker } from "@/worker/run-worker";
import type { PromotionView } from "./promotion-view";

// One image (a layer over 2 GiB and two of tens of MB) promoted through each provider's
// stand-in, by the provider's adapter, one stand-in after another; one source for all.
// Docker Hub as a target (and a source), through its adapter: dockerhub-target.test.ts.
process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
const MB = 1000 * 1000;
const BIG = 2 * 1024 ** 3 + 4096;
const KEYS = { accessKeyId: "AKIAGANTRYTESTUPLOAD", secretAccessKey: crypto.randomBytes(30).toString("base64") };
const ECR_PASSWORD = crypto.randomBytes(16).toString("hex");
const BASIC = { username: "myorg+deployer", password: crypto.randomBytes(12).toString("hex") };
const TIMEOUT = 240_000;

let source: RunningRegistry;
let aws: RunningAwsStandIn;
let gcp: RunningGcpStandIn;
let account: TestServiceAccount;
let worker: RunningWorker;
let built: BuiltImage;
let releaseId: string;
const counts: Record<string, string> = {};

beforeAll(async () => {
  account = createServiceAccountKey({ name: "pusher" });
  [source, aws, gcp] = await Promise.all([
    startRegistry(),
    startAwsStandIn({ users: [KEYS], registryPassword: ECR_PASSWORD }),
    startGcpStandIn({
      serviceAccounts: [{ clientEmail: account.clientEmail, publicKeyPem: account.publicKeyPem }],
      repositories: [],
    }),
  ]);
  Object.assign(process.env, {
    GANTRY_AWS_ENDPOINT_URL_ECR: aws.url,
    GANTRY_AWS_ENDPOINT_URL_STS: aws.url,
    GANTRY_GOOGLE_OAUTH_TOKEN_URL: gcp.tokenUrl,
    GANTRY_GOOGLE_ARTIFACT_REGISTRY_URL: gcp.url,
  });
  built = await seedImage(source, "vendor/engine", "1.0", {
    layers: [{ size: BIG }, { size: 30 * MB }, { size: 24 * MB }],
  });
  // The layers are in the source registry now: the local copies can go.
  await removeBuiltImages();
  const sourceId = await connectRegistry("vendor", source.host);
  releaseId = await createRelease(sourceId, "1.0", [{ repository: "vendor/engine", built }]);
  worker = await runWorker({ databaseUrl: database.url(), definitions: [promoteImageJob] });
}, 300_000);

afterAll(async () => {
  await worker?.stop();
  await Promise.all([source?.stop(), aws?.stop(), gcp?.stop()]);
  console.log(`requests per blob at each stand-in (4 blobs: config and 3 layers):\n${JSON.stringify(counts, null, 1)}`);
});

interface Run {
  view: PromotionView;
  requests: StandInRequest[];
  target: RunningRegistry;
}

/** Starts a target registry behind the provider's stand-in, connects it, promotes, and cleans up. */
async function promoteThrough(
  label: string,
  body: Record<string, unknown>,
  standIn: Omit<ProviderStandInOptions, "provider"> & { provider: ProviderStandInOptions["provider"] },
  check: (run: Run) => Promise<void>,
): Promise<void> {
  const target = await startRegistry();
  const proxy = await startProviderStandIn(target, standIn);
  try {
    const created = await runChange(createConnection, admin, { name: label, ...body }, client);
    if (!created.ok) throw new Error(created.error);
    // Saved with the provider's own host, then pointed at the stand-in (input rules refuse loopback).
    await db().registry.update({ where: { id: created.data.id }, data: { endpoint: proxy.host, insecure: true } });
    const id = await promote({ releaseId, targetRegistryId: created.data.id });
    const view = await waitForPromotion(id, undefined, TIMEOUT);
    await check({ view, requests: proxy.requests, target });
    counts[label] = perBlob(proxy.requests);
  } finally {
    await proxy.stop();
    await target.stop();
  }
}

async function expectPushed({ view, target }: Run): Promise<void> {
  expect(view.images.map((i) => [i.status, i.failure])).toEqual([["pushed", null]]);
  const reference = view.images[0]!.target.replace(/^[^/]+/, target.host);
  expect(await skopeoInspectDigest(reference)).toBe(built.manifestDigest);
}

function perBlob(requests: StandInRequest[]): string {
  const blobs = requests.filter((r) => r.path.includes("/blobs/"));
  const by = (method: string) => blobs.filter((r) => r.method === method).length;
  return ["HEAD", "POST", "PATCH", "PUT", "GET", "DELETE"].map((m) => `${m} ${(by(m) / 4).toFixed(2)}`).join(", ");
}

const patches = (requests: StandInRequest[]) => requests.filter((r) => r.method === "PATCH");

describe("uploads through each provider's stand-in", () => {
  it(
    "ECR: creates the repository first, takes 201 to each chunk and a stale Range, no mount",
    async () => {
      await promoteThrough(
        "ecr",
        {
          provider: "ecr",
          endpoint: `${aws.accountId}.dkr.ecr.us-east-1.amazonaws.com`,
          auth: { kind: "aws", ...KEYS },
        },
        {
          provider: "ecr",
          accepts: (user, password) => user === "AWS" && password === ECR_PASSWORD,
          repositoryExists: (name) => aws.repositories.has(name),
        },
        async (run) => {
          await expectPushed(run);
          expect(aws.repositories.has("vendor/engine")).toBe(true);
          // The big layer in 128 MiB chunks, each answered 201.
          expect(patches(run.requests).length).toBe(Math.ceil(BIG / (128 * 1024 ** 2)));
          expect(patches(run.requests).every((r) => r.status === 201)).toBe(true);
        },
      );
    },
    TIMEOUT,
  );

  it(
    "Artifact Registry: monolithic only, not one PATCH",
    async () => {
      await promoteThrough(
        "artifact_registry",
        {
          provider: "artifact_registry",
          endpoint: "us-docker.pkg.dev/gantry-test/releases",
          auth: { kind: "gcp_service_account", serviceAccountKey: account.json },
        },
        { provider: "artifact_registry", accepts: (user, token) => user === "oauth2accesstoken" && token.length > 0 },
        async (run) => {
          await expectPushed(run);
          expect(patches(run.requests)).toEqual([]);
        },
      );
    },
    TIMEOUT,
  );

  it(
    "ACR: blobs over ~20 MB in chunks under it, each with its Content-Length; no 413 met",
    async () => {
      await promoteThrough(
        "acr",
        {
          provider: "acr",
          endpoint: "gantrytest.azurecr.io",
          auth: { kind: "basic", ...BASIC },
          settings: { credentialType: "admin_user" },
        },
        { provider: "acr", accepts: (user, password) => user === BASIC.username && password === BASIC.password },
        async (run) => {
          await expectPushed(run);
          expect(run.requests.filter((r) => r.status === 413 || r.status === 400)).toEqual([]);
          expect(patches(run.requests).every((r) => r.bytesIn <= 20 * MB)).toBe(true);
        },
      );
    },
    TIMEOUT,
  );

  it(
    "GHCR: one whole PUT per blob, under no chunk cap",
    async () => {
      await promoteThrough(
        "ghcr",
        { provider: "ghcr", endpoint: "ghcr.io", auth: { kind: "basic", ...BASIC } },
        { provider: "ghcr", accepts: (user, password) => user === BASIC.username && password === BASIC.password },
        async (run) => {
          await expectPushed(run);
          expect(patches(run.requests)).toEqual([]);
        },
      );
    },
    TIMEOUT,
  );

  it(
    "Quay: a robot account cannot create the repository: the image fails as auth, saying so, before any layer moves",
    async () => {
      const existing = new Set<string>();
      await promoteThrough(
        "quay",
        { provider: "quay", endpoint: "quay.io", auth: { kind: "basic", ...BASIC } },
        {
          provider: "quay",
          accepts: (user, password) => user === BASIC.username && password === BASIC.password,
          repositoryExists: (name) => existing.has(name),
        },
        async (run) => {
          expect(run.view.images.map((i) => [i.status, i.failure?.kind])).toEqual([["failed", "auth"]]);
          expect(run.view.images[0]!.failure!.message).toMatch(
            /refused the credentials \(401 UNAUTHORIZED.*a Quay robot account cannot create repositories: if vendor\/engine does not exist yet, create it in Quay/,
          );
          expect(run.requests.filter((r) => r.method === "PATCH" || r.method === "PUT")).toEqual([]);
        },
      );
    },
    TIMEOUT,
  );
});
