import { apiToken } from "./support/api";
import { expect, signIn, test } from "./support/fixtures";
import { proofLog } from "../test/proof/support/proof-results";

// Extends security.spec.ts (the sign-in page's headers, the session cookie's flags) to every
// kind of answer: console pages signed in, the API (success, 401, 404), health and a 404 page.
const proof = proofLog("e2e-headers");
test.afterAll(() => proof.write());

const pages = [
  "/releases",
  "/registries",
  "/promotions",
  "/approvals",
  "/audit",
  "/settings/users",
  "/settings/webhooks",
  "/no-such-page",
];

test("every console page carries a fresh CSP nonce, frame-ancestors 'none', nosniff and the referrer policy; its scripts use that nonce", async ({
  page,
  admin,
}) => {
  await signIn(page, admin);
  const nonces = new Set<string>();
  for (const path of pages) {
    const response = (await page.goto(path))!;
    const headers = response.headers();
    const csp = headers["content-security-policy"] ?? "";
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce, `${path}: ${csp}`).toBeDefined();
    expect(csp, path).toContain("frame-ancestors 'none'");
    expect(csp, path).toContain("object-src 'none'");
    expect(csp, path).not.toContain("'unsafe-inline' 'nonce");
    expect(headers["x-frame-options"], path).toBe("DENY");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    expect(headers["x-powered-by"], path).toBeUndefined();
    // Every script element the page was served with carries this response's nonce.
    const scriptNonces = await page
      .locator("script")
      .evaluateAll((scripts) => scripts.map((s) => (s as HTMLScriptElement).nonce));
    expect(scriptNonces.length, path).toBeGreaterThan(0);
    expect(
      scriptNonces.every((n) => n === nonce),
      `${path}: ${JSON.stringify(scriptNonces)}`,
    ).toBe(true);
    nonces.add(nonce!);
  }
  expect(nonces.size).toBe(pages.length);
  proof.add({
    area: "Headers",
    tried: `console pages signed in as admin (${pages.join(", ")})`,
    cases: pages.length,
    outcome:
      "CSP with a fresh nonce on each (all scripts carry it), frame-ancestors 'none', X-Frame-Options DENY, nosniff, strict-origin-when-cross-origin, no X-Powered-By",
  });
});

test("API answers — success, refused, missing, health, the OpenAPI document — carry nosniff, the referrer policy and DENY framing; JSON is never cached", async ({
  request,
  gantry,
  admin,
}) => {
  const token = await apiToken(gantry, admin.email, "admin", "proof-headers");
  const calls = [
    {
      what: "GET /api/v1/me (token)",
      response: await request.get("/api/v1/me", { headers: { authorization: `Bearer ${token}` } }),
      status: 200,
      noStore: true,
    },
    {
      what: "GET /api/v1/registries (no token)",
      response: await request.get("/api/v1/registries"),
      status: 401,
      noStore: true,
    },
    {
      what: "GET /api/v1/registries (unknown token)",
      response: await request.get("/api/v1/registries", { headers: { authorization: "Bearer gty_not-a-token" } }),
      status: 401,
      noStore: true,
    },
    {
      what: "GET /api/v1/promotions/missing",
      response: await request.get("/api/v1/promotions/missing", { headers: { authorization: `Bearer ${token}` } }),
      status: 404,
      noStore: true,
    },
    { what: "GET /api/health", response: await request.get("/api/health"), status: 200, noStore: false },
    {
      what: "GET /api/v1/openapi.json",
      response: await request.get("/api/v1/openapi.json"),
      status: 200,
      noStore: false,
    },
  ];
  for (const { what, response, status, noStore } of calls) {
    const headers = response.headers();
    expect(response.status(), what).toBe(status);
    expect(headers["x-content-type-options"], what).toBe("nosniff");
    expect(headers["referrer-policy"], what).toBe("strict-origin-when-cross-origin");
    expect(headers["x-frame-options"], what).toBe("DENY");
    expect(headers["x-powered-by"], what).toBeUndefined();
    expect(headers["content-type"], what).toMatch(/^application\/json/);
    if (noStore) expect(headers["cache-control"], what).toBe("no-store");
  }
  proof.add({
    area: "Headers",
    tried: calls.map((c) => c.what).join("; "),
    cases: calls.length,
    outcome: "nosniff, strict-origin-when-cross-origin, X-Frame-Options DENY, JSON content type, no-store on /api/v1",
  });
});
