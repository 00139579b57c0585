import crypto from "node:crypto";
import dns, { type LookupAddress } from "node:dns";
import { syncBuiltinESMExports } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChange, type Caller } from "@/lib/change/run-change";
import { createConnection } from "@/lib/connections/create-connection";
import { testSavedConnection } from "@/lib/connections/test-saved-connection";
import { updateConnection } from "@/lib/connections/update-connection";
import { listTags } from "@/lib/oci/list-tags";
import { openPromotionRegistries } from "@/lib/promotions/open-promotion-registries";
import { previewPromotionFor } from "@/lib/promotions/preview-promotion";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import { proofLog } from "./support/proof-results";

// SSRF: registry endpoints at cloud metadata and link-local addresses are refused when a
// connection is saved, tested and used for a copy — and a name that points somewhere safe
// when checked but at the metadata service when connecting is refused at connect time.
process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
const proof = proofLog("ssrf");
const client = { ip: "198.51.100.11", userAgent: "proof/ssrf" };
let admin: Caller;
let registry: RunningRegistry;

/**
 * A tiny DNS stub at the system resolver (dns.lookup, which Gantry's guards and its HTTP
 * agent use): names under .proof.test answer what `answers` says at the moment of asking.
 */
const answers = new Map<string, () => string>();
const systemLookup = dns.lookup;
let lookups = 0;
function stubLookup(hostname: string, options: unknown, callback?: unknown): void {
  const done = (typeof options === "function" ? options : callback) as (
    error: NodeJS.ErrnoException | null,
    address: string | LookupAddress[],
    family?: number,
  ) => void;
  const answer = answers.get(hostname);
  if (!answer) return (systemLookup as (...args: unknown[]) => void)(hostname, options, callback);
  lookups += 1;
  const address = answer();
  const family = address.includes(":") ? 6 : 4;
  const all = typeof options === "object" && options !== null && (options as { all?: boolean }).all;
  process.nextTick(() => (all ? done(null, [{ address, family }]) : done(null, address, family)));
}

beforeAll(async () => {
  (dns as { lookup: unknown }).lookup = stubLookup;
  syncBuiltinESMExports();
  registry = await startRegistry();
  const user = await database.db().user.create({ data: { email: "ssrf-admin@example.com", role: "admin" } });
  admin = { userId: user.id, email: user.email, role: "admin" };
});

afterAll(async () => {
  (dns as { lookup: unknown }).lookup = systemLookup;
  syncBuiltinESMExports();
  await registry?.stop();
  proof.write();
});

const forbidden = [
  {
    label: "AWS/GCP/Azure instance metadata",
    endpoint: "169.254.169.254",
    why: /169\.254\.169\.254 is a cloud metadata service address/,
  },
  {
    label: "AWS metadata over IPv6",
    endpoint: "[fd00:ec2::254]",
    why: /fd00:ec2::254 is a cloud metadata service address/,
  },
  { label: "link-local IPv6", endpoint: "[fe80::1]:5000", why: /fe80::1 is a link-local address/ },
  {
    label: "ECS task credentials",
    endpoint: "169.254.170.2",
    why: /169\.254\.170\.2 is a cloud metadata service address/,
  },
  {
    label: "a metadata host name",
    endpoint: "metadata.google.internal",
    why: /metadata\.google\.internal is a cloud metadata service/,
  },
];

const body = (name: string, endpoint: string) => ({
  name,
  provider: "generic",
  endpoint,
  insecure: true,
  auth: { kind: "anonymous" },
});

/** A stored connection written straight to the database, as one saved before a check existed would be. */
async function storedConnection(name: string, endpoint: string): Promise<string> {
  const row = await database
    .db()
    .registry.create({ data: { name, provider: "generic", endpoint, authKind: "anonymous", insecure: true } });
  return row.id;
}

async function releaseFrom(sourceRegistryId: string): Promise<string> {
  const channel = await database.db().releaseChannel.create({
    data: {
      name: `ssrf-${crypto.randomBytes(4).toString("hex")}`,
      sourceRegistryId,
      components: ["vendor/api"],
      tagPattern: ".*",
      ordering: "semver",
    },
  });
  const release = await database.db().release.create({
    data: {
      channelId: channel.id,
      tag: "1.0.0",
      sortKey: "1",
      images: {
        create: [
          {
            repository: "vendor/api",
            digest: `sha256:${"b".repeat(64)}`,
            mediaType: "application/vnd.oci.image.manifest.v1+json",
            platforms: ["linux/amd64"],
            size: 1n,
          },
        ],
      },
    },
  });
  return release.id;
}

describe("SSRF: metadata and link-local registry endpoints", () => {
  for (const { label, endpoint, why } of forbidden) {
    it(`${label} (${endpoint}) is refused by create, edit, test and copy`, async () => {
      const name = `ssrf-${label.replace(/\W+/g, "-")}`;
      const auditBefore = await database.db().auditEvent.count();
      const created = await runChange(createConnection, admin, body(name, endpoint), client);
      expect(created).toMatchObject({ ok: false, status: 400, fieldErrors: { endpoint: expect.stringMatching(why) } });
      expect(await database.db().registry.count({ where: { name } })).toBe(0);
      expect(await database.db().auditEvent.count()).toBe(auditBefore);

      const safe = await runChange(createConnection, admin, body(`${name}-safe`, registry.host), client);
      if (!safe.ok) throw new Error(safe.error);
      const edited = await runChange(
        updateConnection,
        admin,
        { id: safe.data.id, ...body(`${name}-safe`, endpoint) },
        client,
      );
      expect(edited).toMatchObject({ ok: false, status: 400, fieldErrors: { endpoint: expect.stringMatching(why) } });

      // A row that holds such an endpoint anyway (saved before this check, or written by hand) is refused when used.
      const id = await storedConnection(name, endpoint);
      const tested = await runChange(testSavedConnection, admin, { id, purpose: "source" }, client);
      if (!tested.ok) throw new Error(tested.error);
      const dnsStep = tested.data.steps.find((s) => s.id === "dns")!;
      expect(dnsStep).toMatchObject({ status: "failed", message: expect.stringMatching(why) });
      expect(tested.data.steps.filter((s) => s.status === "passed")).toEqual([]);

      const copy = await openPromotionRegistries({ sourceRegistryId: id, targetRegistryId: safe.data.id }).catch(
        (e: unknown) => e,
      );
      expect(copy).toMatchObject({ status: 409, field: "releaseId", message: expect.stringMatching(why) });
      const plan = await previewPromotionFor(admin, {
        releaseId: await releaseFrom(safe.data.id),
        targetRegistryId: id,
      });
      expect(plan).toMatchObject({ ok: false, status: 409, error: expect.stringMatching(why) });
      proof.add({
        area: "SSRF",
        tried: `registry endpoint ${endpoint} (${label}): create, edit, test, copy (open for a promotion), plan`,
        cases: 5,
        outcome: `refused each time: "${dnsStep.message}"`,
      });
    });
  }
});

describe("SSRF: DNS rebinding to the metadata service", () => {
  it("a connection saved and tested while its name resolved safely is refused by test and copy once it resolves to 169.254.169.254", async () => {
    let target = "127.0.0.1";
    answers.set("rebind.proof.test", () => target);
    const endpoint = `rebind.proof.test:${registry.host.split(":")[1]}`;
    const created = await runChange(createConnection, admin, body("ssrf-rebind", endpoint), client);
    if (!created.ok) throw new Error(created.error);
    const safeTest = await runChange(testSavedConnection, admin, { id: created.data.id, purpose: "target" }, client);
    if (!safeTest.ok) throw new Error(safeTest.error);
    expect(safeTest.data.steps.find((s) => s.id === "push")).toMatchObject({ status: "passed" });

    target = "169.254.169.254";
    const rebound = await runChange(testSavedConnection, admin, { id: created.data.id, purpose: "target" }, client);
    if (!rebound.ok) throw new Error(rebound.error);
    expect(rebound.data.steps.find((s) => s.id === "dns")).toMatchObject({
      status: "failed",
      message:
        "rebind.proof.test resolves to 169.254.169.254, a cloud metadata service address: Gantry does not connect there",
    });
    const copy = await openPromotionRegistries({
      sourceRegistryId: created.data.id,
      targetRegistryId: created.data.id,
    }).catch((e: unknown) => e);
    expect(copy).toMatchObject({
      status: 409,
      message: expect.stringContaining(
        "rebind.proof.test resolves to 169.254.169.254, a cloud metadata service address",
      ),
    });
    proof.add({
      area: "SSRF",
      tried: "DNS name resolving to 127.0.0.1 when saved and tested, then to 169.254.169.254: test and copy",
      cases: 2,
      outcome: "test fails at its DNS step and the copy is refused, both naming 169.254.169.254",
    });
  });

  it("the copy engine refuses at connect time a name that changed its answer after the check", async () => {
    // The check (openRegistry) sees 127.0.0.1; the copy's own connection then asks again and gets the metadata address.
    let asked = 0;
    answers.set("flip.proof.test", () => (++asked <= 1 ? "127.0.0.1" : "169.254.169.254"));
    const port = registry.host.split(":")[1];
    const created = await runChange(createConnection, admin, body("ssrf-flip", `flip.proof.test:${port}`), client);
    if (!created.ok) throw new Error(created.error);
    const before = lookups;
    const opened = await openPromotionRegistries({
      sourceRegistryId: created.data.id,
      targetRegistryId: (
        (await runChange(createConnection, admin, body("ssrf-flip-target", registry.host), client)) as {
          data: { id: string };
        }
      ).data.id,
    });
    try {
      const error = await listTags(opened.source.client, "vendor/api").catch((e: unknown) => e);
      expect(error).toMatchObject({
        kind: "network",
        message: expect.stringMatching(
          /refusing flip\.proof\.test:\d+: flip\.proof\.test resolves to 169\.254\.169\.254, a cloud metadata service address/,
        ),
      });
      expect(lookups - before).toBeGreaterThanOrEqual(2);
    } finally {
      await opened.close();
    }
    proof.add({
      area: "SSRF",
      tried: "DNS answer flipping from 127.0.0.1 (at the check) to 169.254.169.254 (at connect) during a copy",
      cases: 1,
      outcome:
        'the copy engine\'s connection refused: "flip.proof.test resolves to 169.254.169.254, a cloud metadata service address"',
    });
  });
});
