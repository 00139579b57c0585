import crypto from "node:crypto";
import fc from "fast-check";
import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChange, type Caller } from "@/lib/change/run-change";
import { createConnection } from "@/lib/connections/create-connection";
import { createBoss, ensureQueues } from "@/lib/queue/boss";
import { jobs } from "@/lib/queue/jobs";
import { setupTestDatabase } from "@/test/support/database";
import { loadChange, routeHandlers, serverActions, type AnyChange } from "./support/change-definitions";
import { hostileInput } from "./support/hostile-values";
import { proofLog } from "./support/proof-results";
import { tableCounts } from "./support/table-counts";

// Every change a form or the API can make, fed hostile input through the one entry point
// (runChange) as an admin against a real database: the answer is ok, or a 4xx naming the
// field — never a 500 — and a refused change leaves every table (audit included) as it was.
process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
const database = setupTestDatabase();
const proof = proofLog("hostile-input");
const client = { ip: "198.51.100.7", userAgent: "proof/hostile-input" };
const RUNS = Number(process.env.PROOF_RUNS ?? 50);

let admin: Caller;
/** Ids of real rows, so some inputs get past validation into the change itself. */
const ids: Record<string, string> = {};

/** Definitions by object: a definition exposed both as an action and a route is fuzzed once. */
async function changes(): Promise<Map<AnyChange, string[]>> {
  const found = new Map<AnyChange, string[]>();
  for (const action of serverActions()) {
    if (!action.wraps) continue;
    const definition = await loadChange(action.wraps);
    found.set(definition, [...(found.get(definition) ?? []), `action ${action.name}`]);
  }
  for (const route of routeHandlers()) {
    if (!route.change) continue;
    const definition = await loadChange(route.change);
    found.set(definition, [...(found.get(definition) ?? []), route.operation]);
  }
  return found;
}

beforeAll(async () => {
  // Changes that start promotions enqueue jobs: the queue's tables must exist (no worker takes them).
  const boss = createBoss(database.url(), { schedule: false, supervise: false });
  await boss.start();
  await ensureQueues(boss, jobs);
  await boss.stop({ graceful: false });
  const db = database.db();
  const user = await db.user.create({ data: { email: "proof-admin@example.com", role: "admin" } });
  admin = { userId: user.id, email: user.email, role: "admin" };
  const registry = await runChange(
    createConnection,
    admin,
    {
      name: "proof-source",
      provider: "generic",
      endpoint: "127.0.0.1:1",
      insecure: true,
      auth: { kind: "basic", username: "u", password: "proof-password" },
    },
    client,
  );
  if (!registry.ok) throw new Error(registry.error);
  const channel = await db.releaseChannel.create({
    data: {
      name: "proof-channel",
      sourceRegistryId: registry.data.id,
      components: ["vendor/api"],
      tagPattern: ".*",
      ordering: "semver",
    },
  });
  const release = await db.release.create({
    data: {
      channelId: channel.id,
      tag: "1.0.0",
      sortKey: "1",
      latest: true,
      images: {
        create: [
          {
            repository: "vendor/api",
            digest: `sha256:${"a".repeat(64)}`,
            mediaType: "application/vnd.oci.image.manifest.v1+json",
            platforms: ["linux/amd64"],
            size: 1n,
          },
        ],
      },
    },
  });
  const promotion = await db.promotion.create({
    data: {
      releaseId: release.id,
      targetRegistryId: registry.data.id,
      repositoryMapping: {},
      status: "awaiting_approval",
      planHash: "f".repeat(64),
      approvalsRequired: 1,
      images: {
        create: [
          {
            component: "vendor/api",
            sourceRef: "127.0.0.1:1/vendor/api:1.0.0",
            targetRef: "127.0.0.1:1/vendor/api:1.0.0",
            digest: `sha256:${"a".repeat(64)}`,
          },
        ],
      },
    },
  });
  const token = await db.apiToken.create({
    data: { name: "proof", role: "viewer", tokenHash: "0".repeat(64), prefix: "gty_proof", userId: user.id },
  });
  const webhook = await db.webhook.create({
    data: { name: "proof-hook", url: "https://hooks.example.com/x", secretCiphertext: "not-a-real-ciphertext" },
  });
  const delivery = await db.webhookDelivery.create({
    data: { webhookId: webhook.id, event: "promotion.created", payload: {} },
  });
  Object.assign(ids, {
    registry: registry.data.id,
    channel: channel.id,
    release: release.id,
    promotion: promotion.id,
    token: token.id,
    webhook: webhook.id,
    delivery: delivery.id,
    user: user.id,
  });
});

afterAll(() => proof.write());

describe("hostile input through every change definition", async () => {
  const found = await changes();
  it("finds the changes behind the server actions and the API", () => {
    expect(found.size).toBeGreaterThan(20);
  });

  for (const [definition, exposedAs] of found) {
    it(`${exposedAs.join(", ")} (${definition.permission}): ok or a 4xx naming the field, nothing written when refused`, async () => {
      const keys = schemaKeys(definition.schema);
      const outcomes = { ok: 0, refused: 0, upstream: 0 };
      const problems: string[] = [];
      await fc
        .assert(
          fc.asyncProperty(hostileInput(keys, valuePools(definition.schema)), async (input) => {
            const before = await tableCounts(database.db());
            const result = await runChange(definition, admin, input, client);
            if (result.ok) {
              outcomes.ok += 1;
              return;
            }
            const after = await tableCounts(database.db());
            const why = problemOf(result, keys);
            if (why) problems.push(`${why}: ${JSON.stringify(result).slice(0, 300)} for ${safeJson(input)}`);
            expect(why).toBeUndefined();
            if (result.status === 502) {
              // A registry that refused is recorded on the channel and audited (once per new reason): that is the trail working.
              expect({ ...after, AuditEvent: 0 }).toEqual({ ...before, AuditEvent: 0 });
              expect(after.AuditEvent! - before.AuditEvent!).toBeLessThanOrEqual(1);
              outcomes.upstream += 1;
            } else {
              expect(after).toEqual(before);
              outcomes.refused += 1;
            }
          }),
          { numRuns: RUNS },
        )
        .catch((error: unknown) => {
          throw new Error(`${problems.slice(0, 3).join("\n") || ""}\n${String(error)}`.slice(0, 4000));
        });
      proof.add({
        area: "Hostile input",
        tried: `${exposedAs.join(", ")}: injections, control characters, unicode, 20 000-character strings, wrong types, nested junk`,
        cases: RUNS,
        outcome: `${outcomes.refused} refused with a 4xx naming the field, ${outcomes.ok} accepted${outcomes.upstream ? `, ${outcomes.upstream} answered 502 with the registry's reason (the failure audited)` : ""}; no 500; nothing written when refused`,
      });
    });
  }
});

/** Why a refusal breaks the contract, or undefined when it is a clear 4xx (or a registry's 502) naming a field. */
function problemOf(
  result: { error: string; status: number; fieldErrors?: Record<string, string> },
  keys: string[],
): string | undefined {
  if (result.status === 500 || /Something went wrong/.test(result.error)) return "a 500";
  if (result.status === 502) return result.error.length > 10 ? undefined : "a 502 without a reason";
  if (result.status < 400 || result.status > 499) return `status ${result.status}`;
  if (!result.error.trim()) return "an empty message";
  if (result.fieldErrors && Object.keys(result.fieldErrors).length > 0) return undefined;
  if (/^[\w.]+: /.test(result.error) || keys.some((key) => result.error.includes(key))) return undefined;
  // A conflict or a missing row names the thing itself (its name or id) rather than a field.
  if (
    (result.status === 404 || result.status === 409) &&
    Object.values(ids)
      .concat(["proof-"])
      .some((name) => result.error.includes(name))
  )
    return undefined;
  return "a message that names no field";
}

/** The top-level fields of a schema (every branch of a union). */
function schemaKeys(schema: z.ZodType): string[] {
  return [...new Set(objectsOf(schema).flatMap((o) => Object.keys(o.properties ?? {})))];
}

/** Values per field that validation accepts (enums, consts, ids of real rows), mixed with hostile ones. */
function valuePools(schema: z.ZodType): Record<string, fc.Arbitrary<unknown>> {
  const pools: Record<string, fc.Arbitrary<unknown>[]> = {};
  const add = (key: string, arbitrary: fc.Arbitrary<unknown>) => (pools[key] ??= []).push(arbitrary);
  for (const object of objectsOf(schema)) {
    for (const [key, property] of Object.entries(object.properties ?? {})) {
      const valid = validOf(property as JsonSchema);
      if (valid) add(key, valid);
      const id = idFor(key);
      if (id) add(key, fc.constantFrom(id, `${id}x`));
    }
  }
  return Object.fromEntries(Object.entries(pools).map(([key, list]) => [key, fc.oneof(...list)]));
}

function idFor(key: string): string | undefined {
  const table: Record<string, string | undefined> = {
    registryId: ids.registry,
    sourceRegistryId: ids.registry,
    targetRegistryId: ids.registry,
    channelId: ids.channel,
    releaseId: ids.release,
    promotionId: ids.promotion,
    tokenId: ids.token,
    deliveryId: ids.delivery,
    userId: ids.user,
  };
  if (key === "id") return fc.sample(fc.constantFrom(...Object.values(ids)), 1)[0];
  return table[key];
}

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
}

/** A generator of values the JSON Schema describes, where that is easy to say. */
function validOf(property: JsonSchema, depth = 0): fc.Arbitrary<unknown> | undefined {
  if (property.const !== undefined) return fc.constant(property.const);
  if (property.enum) return fc.constantFrom(...property.enum);
  const branches = property.anyOf ?? property.oneOf;
  if (branches) {
    const options = branches.map((b) => validOf(b, depth)).filter((a): a is fc.Arbitrary<unknown> => Boolean(a));
    return options.length ? fc.oneof(...options) : undefined;
  }
  if (property.type === "object" && property.properties && depth < 2) {
    return fc.record(
      Object.fromEntries(
        Object.entries(property.properties).map(([k, p]) => [
          k,
          validOf(p, depth + 1) ?? fc.string({ minLength: 1, maxLength: 12 }),
        ]),
      ),
      { requiredKeys: [] },
    );
  }
  if (property.type === "array" && property.items) {
    const item = validOf(property.items, depth + 1);
    return item ? fc.array(item, { maxLength: 3 }) : undefined;
  }
  if (property.type === "integer" || property.type === "number")
    return fc.integer({ min: property.minimum ?? 0, max: Math.min(property.maximum ?? 1000, 1_000_000) });
  if (property.type === "boolean") return fc.boolean();
  if (property.type === "string") return fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
  return undefined;
}

function objectsOf(schema: z.ZodType): JsonSchema[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const out: JsonSchema[] = [];
  const visit = (node: JsonSchema) => {
    if (node.properties) out.push(node);
    for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) visit(branch);
  };
  visit(json);
  return out;
}

function safeJson(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 300);
  } catch {
    return String(value).slice(0, 300);
  }
}
