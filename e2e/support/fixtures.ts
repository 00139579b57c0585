import crypto from "node:crypto";
import path from "node:path";
import { test as base, expect, type Page, type Response } from "@playwright/test";
import type { Role } from "../../lib/auth/roles";
import { startAwsStandIn, type RunningAwsStandIn } from "../../test/fixtures/aws-stand-in";
import { createServiceAccountKey, type TestServiceAccount } from "../../test/fixtures/gcp-service-account";
import { startGcpStandIn, type RunningGcpStandIn } from "../../test/fixtures/gcp-stand-in";
import { startOidcProvider, type RunningOidcProvider } from "../../test/fixtures/oidc-provider";
import { GantryServer, type Credentials } from "./gantry-server";

export { expect };
export type { Credentials };

interface WorkerFixtures {
  /** Start without any user, to walk through first-run setup. Set with `test.use`. */
  freshInstall: boolean;
  /** The admin created headlessly at first start (absent on a fresh install). */
  admin: Credentials;
  /** Configure single sign-on against a local OIDC provider. Set with `test.use`. */
  withOidc: boolean;
  /** That provider, when `withOidc` is set. */
  oidc: RunningOidcProvider | null;
  /** Stand in for AWS (ECR, STS) and Google (OAuth, Artifact Registry), and allow loopback registries. Set with `test.use`. */
  withCloudStandIns: boolean;
  /** Those stand-ins, when `withCloudStandIns` is set. */
  cloud: CloudStandIns | null;
  /** Run the queue worker as its own process, which tests can kill and start (`gantry.killWorker()`). Set with `test.use`. */
  separateWorker: boolean;
  /** More environment for the install (e.g. GANTRY_PROMOTION_STALL_SECONDS). Set with `test.use`. */
  gantryEnv: Record<string, string>;
  /** The Gantry install shared by the tests of one worker. */
  gantry: GantryServer;
}

export interface CloudStandIns {
  aws: RunningAwsStandIn;
  /** The one IAM user the AWS stand-in knows; its secret key is fresh per run. */
  awsKeys: { accessKeyId: string; secretAccessKey: string };
  gcp: RunningGcpStandIn;
  /** A service account the Google stand-in accepts; Artifact Registry holds gantry-test/releases with vendor/api. */
  serviceAccount: TestServiceAccount;
}

interface TestFixtures {
  /** Creates a user through the CLI, with a unique email built from `label`. */
  createUser: (label: string, role: Role) => Promise<Credentials>;
  /** Attaches the server's output to a failed test. */
  serverLogOnFailure: void;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  freshInstall: [false, { scope: "worker", option: true }],
  withOidc: [false, { scope: "worker", option: true }],
  withCloudStandIns: [false, { scope: "worker", option: true }],
  separateWorker: [false, { scope: "worker", option: true }],
  gantryEnv: [{}, { scope: "worker", option: true }],

  cloud: [
    async ({ withCloudStandIns }, use) => {
      if (!withCloudStandIns) return use(null);
      // 40 characters of the secret-key alphabet, unique per run, so tests can look for it anywhere.
      const awsKeys = {
        accessKeyId: "AKIAGANTRYE2ETESTKEY",
        secretAccessKey: `Canary${crypto
          .randomBytes(26)
          .toString("base64")
          .replace(/[^A-Za-z0-9]/g, "A")}`.slice(0, 40),
      };
      const serviceAccount = createServiceAccountKey({ projectId: "gantry-test", name: "e2e-copier" });
      const [aws, gcp] = await Promise.all([
        startAwsStandIn({ users: [awsKeys], registryPassword: `ecr-${crypto.randomBytes(8).toString("hex")}` }),
        startGcpStandIn({
          serviceAccounts: [{ clientEmail: serviceAccount.clientEmail, publicKeyPem: serviceAccount.publicKeyPem }],
          repositories: [{ name: "projects/gantry-test/locations/us/repositories/releases", packages: ["vendor/api"] }],
        }),
      ]);
      try {
        await use({ aws, awsKeys, gcp, serviceAccount });
      } finally {
        await Promise.all([aws.stop(), gcp.stop()]);
      }
    },
    { scope: "worker" },
  ],

  oidc: [
    async ({ withOidc }, use) => {
      if (!withOidc) return use(null);
      const provider = await startOidcProvider();
      try {
        await use(provider);
      } finally {
        await provider.stop();
      }
    },
    { scope: "worker" },
  ],

  admin: [
    async ({}, use) => {
      await use({ email: "admin@example.com", password: "e2e-admin-password-1" });
    },
    { scope: "worker" },
  ],

  gantry: [
    async ({ freshInstall, admin, oidc, cloud, separateWorker, gantryEnv }, use, workerInfo) => {
      const logFile = path.join(
        workerInfo.project.outputDir,
        "gantry-logs",
        `worker-${workerInfo.workerIndex}${freshInstall ? "-fresh" : ""}.log`,
      );
      const env = {
        ...(oidc
          ? {
              GANTRY_OIDC_ISSUER: oidc.issuer,
              GANTRY_OIDC_CLIENT_ID: oidc.clientId,
              GANTRY_OIDC_CLIENT_SECRET: oidc.clientSecret,
              GANTRY_OIDC_NAME: "Example SSO",
            }
          : {}),
        ...(cloud
          ? {
              GANTRY_ALLOW_LOOPBACK_REGISTRIES: "1",
              GANTRY_AWS_ENDPOINT_URL_ECR: cloud.aws.url,
              GANTRY_AWS_ENDPOINT_URL_STS: cloud.aws.url,
              GANTRY_GOOGLE_OAUTH_TOKEN_URL: cloud.gcp.tokenUrl,
              GANTRY_GOOGLE_ARTIFACT_REGISTRY_URL: cloud.gcp.url,
            }
          : {}),
        ...gantryEnv,
      };
      const server = await GantryServer.start({ admin: freshInstall ? null : admin, logFile, env, separateWorker });
      try {
        await use(server);
      } finally {
        await server.dispose();
      }
    },
    // The first start of a checkout builds the web app.
    { scope: "worker", timeout: 300_000 },
  ],

  baseURL: async ({ gantry }, use) => {
    await use(gantry.baseURL);
  },

  createUser: async ({ gantry }, use) => {
    await use(async (label, role) => {
      const credentials = { email: uniqueEmail(label), password: `pw-${crypto.randomBytes(9).toString("base64url")}` };
      await gantry.cli(["users", "create", "--email", credentials.email, "--role", role, "--password-stdin"], {
        stdin: credentials.password,
      });
      return credentials;
    });
  },

  // On failure, attach what the server printed during the test: the page rarely says why.
  serverLogOnFailure: [
    async ({ gantry }, use, testInfo) => {
      const from = gantry.logLength;
      await use();
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach("gantry-server.log", {
          body: gantry.logSince(from) || "(no output)",
          contentType: "text/plain",
        });
      }
    },
    { auto: true },
  ],
});

/** An address nobody else in this run uses, so tests never collide over leftovers. */
export function uniqueEmail(label: string): string {
  return `${label}-${crypto.randomBytes(4).toString("hex")}@example.com`;
}

/** Signs in through the sign-in form and waits for the console. */
export async function signIn(page: Page, credentials: Credentials): Promise<void> {
  await page.goto("/sign-in");
  await fillSignIn(page, credentials);
  await expect(page).toHaveURL(/\/releases$/);
  await expect(page.getByRole("heading", { level: 1, name: "Releases" })).toBeVisible();
}

/** Fills and submits the sign-in form, waiting for the server's answer. */
export async function fillSignIn(page: Page, credentials: Credentials): Promise<void> {
  await page.getByLabel("Email", { exact: true }).fill(credentials.email);
  await page.getByLabel("Password", { exact: true }).fill(credentials.password);
  await Promise.all([
    page.waitForResponse((response) => response.url().includes("/api/auth/callback/password")),
    page.getByRole("button", { name: "Sign in" }).click(),
  ]);
}

/** Resolves with the response to the next server action the page calls. */
export function waitForServerAction(page: Page): Promise<Response> {
  return page.waitForResponse(
    (response) => response.request().method() === "POST" && "next-action" in response.request().headers(),
  );
}
