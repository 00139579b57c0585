// The parts of the audit benchmark that need Gantry's own TypeScript (the hash, the query),
// bundled to bench/out/audit-probe.mjs by bench/audit.mjs.
import pg from "pg";
import { auditHash } from "@/lib/audit/audit-hash";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { createClient } from "@/lib/db/prisma";

/** The URL of the embedded Postgres a running `gantry start` serves from `dataDir`. */
export async function databaseUrl(dataDir: string): Promise<string> {
  return (await startEmbeddedPostgres({ dataDir })).url;
}

const actions: Array<[string, string, number]> = [
  ["promotion.requested", "promotion", 12],
  ["promotion.approved", "promotion", 10],
  ["promotion.started", "promotion", 12],
  ["promotion.succeeded", "promotion", 10],
  ["promotion.failed", "promotion", 2],
  ["release.discovered", "release", 14],
  ["channel.synced", "channel", 14],
  ["registry.tested", "registry", 8],
  ["registry.updated", "registry", 4],
  ["registry.created", "registry", 1],
  ["registry.repository_created", "registry", 3],
  ["user.updated", "user", 2],
  ["user.created", "user", 1],
  ["token.created", "api_token", 1],
  ["settings.updated", "setting", 1],
];
const endpoints = [
  "quay.io",
  "123456789012.dkr.ecr.us-east-1.amazonaws.com",
  "europe-west1-docker.pkg.dev/acme/releases",
  "ghcr.io",
  "acme.azurecr.io",
];
const agents = ["Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0", "gantry-cli", "curl/8.5.0", "python-requests/2.32"];

export const benchActors = 60;
export const benchSpanDays = 365;

/**
 * Appends `count` events that continue the existing chain, hashed by the same `auditHash` the
 * app uses, so `gantry audit verify` must still pass. The trigram indexes are dropped for the
 * load and rebuilt after it (what a bulk import would do); the btree indexes stay.
 */
export async function seedAuditEvents(
  url: string,
  count: number,
  log: (line: string) => void,
): Promise<{ seconds: number; indexSeconds: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = Date.now();
  try {
    const last = await client.query<{ hash: string }>(`SELECT "hash" FROM "AuditEvent" ORDER BY "id" DESC LIMIT 1`);
    let prevHash = last.rows[0]?.hash ?? "0".repeat(64);
    await client.query(
      `DROP INDEX IF EXISTS "AuditEvent_search_trgm_idx"; DROP INDEX IF EXISTS "AuditEvent_actorLabel_trgm_idx"`,
    );
    const random = mulberry32(42);
    const weighted = actions.flatMap((a) => Array<[string, string]>(a[2]).fill([a[0], a[1]]));
    const end = Date.now() - 120_000;
    const start = end - benchSpanDays * 86_400_000;
    const batch = 10_000;
    for (let offset = 0; offset < count; offset += batch) {
      const columns: Array<Array<string | null>> = Array.from({ length: 11 }, () => []);
      for (let i = offset; i < Math.min(count, offset + batch); i += 1) {
        const [action, targetType] = weighted[Math.floor(random() * weighted.length)]!;
        const n = Math.floor(random() * benchActors);
        const token = random() < 0.15;
        const at = new Date(start + Math.floor(((end - start) * i) / count));
        const day = at.toISOString().slice(2, 10).replace(/-/g, "");
        const targetId = targetIdFor(targetType, i, random);
        const detail = {
          before: { status: "queued", approvals: Math.floor(random() * 3) },
          after: { status: action.split(".")[1], approvals: Math.floor(random() * 3), tag: `release-${day}` },
          endpoint: endpoints[Math.floor(random() * endpoints.length)],
        };
        const fields = {
          prevHash,
          at,
          actorId: token ? null : `usr_${n}`,
          actorLabel: token
            ? `token:ci-${n % 5} (user${n}@example.com)`
            : random() < 0.05
              ? "system"
              : `user${n}@example.com`,
          action,
          targetType,
          targetId,
          detail,
          ip: `10.${n % 256}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`,
          userAgent: agents[Math.floor(random() * agents.length)]!,
        };
        const hash = auditHash(fields);
        const row = [
          at.toISOString(),
          fields.actorId,
          fields.actorLabel,
          action,
          targetType,
          targetId,
          JSON.stringify(detail),
          fields.ip,
          fields.userAgent,
          prevHash,
        ];
        [...row, hash].forEach((value, c) => columns[c]!.push(value));
        prevHash = hash;
      }
      await client.query(
        `INSERT INTO "AuditEvent" ("at", "actorId", "actorLabel", "action", "targetType", "targetId", "detail", "ip", "userAgent", "prevHash", "hash")
         SELECT * FROM unnest($1::timestamp(3)[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::text[], $9::text[], $10::text[], $11::text[])`,
        columns,
      );
      if ((offset / batch) % 20 === 19)
        log(
          `  seeded ${(offset + batch).toLocaleString("en")} events (${((Date.now() - started) / 1000).toFixed(0)} s)`,
        );
    }
    const seconds = (Date.now() - started) / 1000;
    const indexStarted = Date.now();
    await client.query(`SET maintenance_work_mem = '256MB'`);
    await client.query(
      `CREATE INDEX "AuditEvent_search_trgm_idx" ON "AuditEvent" USING gin (gantry_audit_search_text("actorLabel", "action", "targetId", "detail") gin_trgm_ops)`,
    );
    await client.query(
      `CREATE INDEX "AuditEvent_actorLabel_trgm_idx" ON "AuditEvent" USING gin ("actorLabel" gin_trgm_ops)`,
    );
    await client.query(`VACUUM ANALYZE "AuditEvent"`);
    return { seconds, indexSeconds: (Date.now() - indexStarted) / 1000 };
  } finally {
    await client.end();
  }
}

function targetIdFor(targetType: string, i: number, random: () => number): string {
  switch (targetType) {
    case "promotion":
      return `prm_${Math.floor(i / 9)}`;
    case "release":
      return `rel_${Math.floor(random() * 4000)}`;
    case "channel":
      return `chn_${Math.floor(random() * 12)}`;
    case "registry":
      return `reg_${Math.floor(random() * 40)}`;
    case "user":
      return `usr_${Math.floor(random() * benchActors)}`;
    case "setting":
      return "audit.retentionDays";
    default:
      return `tok_${Math.floor(random() * 200)}`;
  }
}

/** Varied filters like people use: actor, action prefix, target, time range, text, and mixes. */
export function benchFilters(count: number, seed = 7): Array<Record<string, string>> {
  const random = mulberry32(seed);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
  const now = Date.now();
  const day = (daysAgo: number) => new Date(now - daysAgo * 86_400_000).toISOString().slice(0, 10);
  const makers: Array<() => Record<string, string>> = [
    () => ({}),
    () => ({ actor: `user${Math.floor(random() * benchActors)}@example.com` }),
    () => ({ action: pick(["registry.", "promotion.", "user.", "settings."]) }),
    () => ({ action: pick(["promotion.failed", "registry.created", "token.created"]) }),
    () => ({ targetType: "promotion", targetId: `prm_${Math.floor(random() * 110_000)}` }),
    () => ({ targetType: "registry", targetId: `reg_${Math.floor(random() * 40)}` }),
    () => {
      const from = 10 + Math.floor(random() * 340);
      return { from: day(from), to: day(from - 7) };
    },
    () => ({ text: pick(["dkr.ecr", "ghcr.io", "azurecr", "failed"]) }),
    () => ({ text: `prm_${Math.floor(random() * 110_000)}` }),
    () => ({
      text: `release-${day(20 + Math.floor(random() * 300))
        .slice(2)
        .replace(/-/g, "")}`,
    }),
    () => ({ actor: `user${Math.floor(random() * benchActors)}@example.com`, action: "promotion." }),
    () => ({ text: "quay.io", from: day(200), to: day(100) }),
    () => ({ actor: "token:ci-3", targetType: "registry" }),
  ];
  return Array.from({ length: count }, (_, i) => makers[i % makers.length]!());
}

/** Times `listAuditEvents` (what the page and API call) for each filter, in ms. */
export async function timeQueries(
  url: string,
  filters: Array<Record<string, string>>,
): Promise<Array<{ filter: Record<string, string>; ms: number }>> {
  const client = createClient(url);
  try {
    await listAuditEvents({}, client);
    const times: Array<{ filter: Record<string, string>; ms: number }> = [];
    for (const [i, filter] of filters.entries()) {
      let started = performance.now();
      const page = await listAuditEvents({ ...filter, limit: 50 }, client);
      times.push({ filter, ms: performance.now() - started });
      // Every third filter also goes a page deeper, as people do.
      if (i % 3 === 0 && page.nextCursor) {
        started = performance.now();
        await listAuditEvents({ ...filter, limit: 50, cursor: page.nextCursor }, client);
        times.push({ filter: { ...filter, cursor: "(page 2)" }, ms: performance.now() - started });
      }
    }
    return times;
  } finally {
    await client.$disconnect();
  }
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
