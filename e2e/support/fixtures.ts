import crypto from "node:crypto";
import path from "node:path";
import { test as base, expect, type Page, type Response } from "@playwright/test";
import type { Role } from "../../lib/auth/roles";
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
  /** The Gantry install shared by the tests of one worker. */
  gantry: GantryServer;
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
    async ({ freshInstall, admin, oidc }, use, workerInfo) => {
      const logFile = path.join(workerInfo.project.outputDir, "gantry-logs", `worker-${workerInfo.workerIndex}${freshInstall ? "-fresh" : ""}.log`);
      const env = oidc ? { GANTRY_OIDC_ISSUER: oidc.issuer, GANTRY_OIDC_CLIENT_ID: oidc.clientId, GANTRY_OIDC_CLIENT_SECRET: oidc.clientSecret, GANTRY_OIDC_NAME: "Example SSO" } : undefined;
      const server = await GantryServer.start({ admin: freshInstall ? null : admin, logFile, env });
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
      await gantry.cli(["users", "create", "--email", credentials.email, "--role", role, "--password-stdin"], { stdin: credentials.password });
      return credentials;
    });
  },

  // On failure, attach what the server printed during the test: the page rarely says why.
  serverLogOnFailure: [
    async ({ gantry }, use, testInfo) => {
      const from = gantry.logLength;
      await use();
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach("gantry-server.log", { body: gantry.logSince(from) || "(no output)", contentType: "text/plain" });
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
  return page.waitForResponse((response) => response.request().method() === "POST" && "next-action" in response.request().headers());
}
