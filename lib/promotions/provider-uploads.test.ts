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
// stand-in, by the provider's adapter, one stand-in after another; one source for all (Docker
// Hub's case reads it through a Docker Hub stand-in with a pull limit).
// Docker Hub with several components on both sides: dockerhub-target.test.ts.
process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
const MB = 1000 * 1000;
const BIG = 2 * 1024 ** 3 + 4096;
const KEYS = { accessKeyId: "AKIAGANTRYTESTUPLOAD", secretAccessKey: crypto.randomBytes(30).toString("base64") };
const ECR_PASSWORD = crypto.randomBytes(16).toString("hex");
const BASIC = { username: "myorg+deployer", password: crypto.randomBytes(12).toString("hex") };
const TIMEOUT = 240_000;
const HUB_TOKEN = `dckr_pat_${crypto.randomBytes(12).toString("hex")}`;
const PULL_WINDOW_SECONDS = 4;

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
  options: { releaseId?: string; whileRunning?: (promotionId: string) => Promise<void> } = {},
): Promise<void> {
  const target = await startRegistry();
  const proxy = await startProviderStandIn(target, standIn);
  try {
    const id = await promote({
      releaseId: options.releaseId ?? releaseId,
      targetRegistryId: await connectThrough(label, body, proxy.host),
    });
    await options.whileRunning?.(id);
    const view = await waitForPromotion(id, undefined, TIMEOUT);
    await check({ view, requests: proxy.requests, target });
    counts[label] = perBlob(proxy.requests);
  } finally {
    await proxy.stop();
    await target.stop();
  }
}

/** A connection made through the real change, with the provider's own host, then pointed at its stand-in (input rules refuse loopback). */
async function connectThrough(name: string, body: Record<string, unknown>, host: string): Promise<string> {
  const created = await runChange(createConnection, admin, { name, ...body }, client);
  if (!created.ok) throw new Error(created.error);
  await db().registry.update({ where: { id: created.data.id }, data: { endpoint: host, insecure: true } });
  return created.data.id;
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
const manifestGets = (requests: StandInRequest[]) =>
  requests.filter((r) => r.method === "GET" && r.path.includes("/manifests/"));

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
    "Docker Hub: 128 MiB chunks, resumable; the source's pull limit waited out, no pull spent at the target",
    async () => {
      // The vendor's public repositories on Hub, four anonymous pulls per window. The copy reads
      // five manifests at the source (the image, the referrers fallback tag and the three cosign
      // tags) and the plan reads four, so the copy meets the 429 and waits for ratelimit-reset;
      // once or twice, a few seconds each.
      const vendorHub = await startProviderStandIn(source, {
        provider: "dockerhub",
        pullLimit: { pulls: 4, windowSeconds: PULL_WINDOW_SECONDS },
      });
      try {
        const hubSourceId = await connectThrough(
          "vendor-hub",
          { provider: "dockerhub", auth: { kind: "anonymous" } },
          vendorHub.host,
        );
        const hubReleaseId = await createRelease(hubSourceId, "1.0", [{ repository: "vendor/engine", built }]);
        let notice: string | null = null;
        await promoteThrough(
          "dockerhub",
          { provider: "dockerhub", namespace: "acme", auth: { kind: "basic", username: "acme", password: HUB_TOKEN } },
          // The operator's account has no pull left: any manifest read at the target would be refused for the hour.
          {
            provider: "dockerhub",
            accepts: (user, password) => user === "acme" && password === HUB_TOKEN,
            pullLimit: { pulls: 0, windowSeconds: 3600 },
          },
          async (run) => {
            await expectPushed(run);
            expect(run.view).toMatchObject({ status: "succeeded", tagsFailure: null });
            expect(run.view.images[0]!.target).toMatch(/\/acme\/vendor\/engine:1\.0$/);
            // The big layer in 128 MiB chunks, each taken with 202.
            expect(patches(run.requests).length).toBe(Math.ceil(BIG / (128 * 1024 ** 2)));
            expect(patches(run.requests).every((r) => r.status === 202)).toBe(true);
            // No pull at the target, the tag step included: the manifest PUT by digest, then under the tag.
            expect(manifestGets(run.requests)).toEqual([]);
            expect(run.requests.filter((r) => r.status === 429)).toEqual([]);
            expect(
              run.requests.filter((r) => r.method === "PUT" && r.path.includes("/manifests/")).map((r) => r.path),
            ).toEqual([
              `/v2/acme/vendor/engine/manifests/${built.manifestDigest}`,
              "/v2/acme/vendor/engine/manifests/1.0",
            ]);
          },
          {
            releaseId: hubReleaseId,
            whileRunning: async (id) => {
              const waiting = await waitForPromotion(id, (view) => view.images.some((i) => i.notice !== null), 30_000);
              notice = waiting.images[0]!.notice;
            },
          },
        );
        expect(notice).toMatch(
          new RegExp(`^rate limited by ${vendorHub.host.replace(/\./g, "\\.")} until \\d\\d:\\d\\d UTC$`),
        );
        const limited = vendorHub.requests.filter((r) => r.status === 429);
        expect(limited.length).toBeGreaterThan(0);
        expect(limited.every((r) => r.method === "GET" && r.path.includes("/manifests/"))).toBe(true);
      } finally {
        await vendorHub.stop();
      }
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
