import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import type { PrismaClient } from "@/lib/db/generated/client";

/**
 * Gives the calling test file a database of its own, copied from the migrated template,
 * and points the app's Prisma client (DATABASE_URL) at it. Dropped after the file.
 */
export function setupTestDatabase(): { url: () => string; db: () => PrismaClient } {
  const adminUrl = inject("postgresAdminUrl");
  const name = `test_${crypto.randomBytes(6).toString("hex")}`;
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  let client: PrismaClient | undefined;

  beforeAll(async () => {
    // Postgres copies a template only while nobody else uses it: one copy at a time.
    await admin(
      adminUrl,
      "SELECT pg_advisory_lock(4242)",
      `CREATE DATABASE ${name} TEMPLATE gantry_template`,
      "SELECT pg_advisory_unlock(4242)",
    );
    process.env.DATABASE_URL = url;
    const { db } = await import("@/lib/db/prisma");
    client = db();
  });

  afterAll(async () => {
    await client?.$disconnect();
    await admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  return {
    url: () => url,
    db: () => {
      if (!client) throw new Error("setupTestDatabase: the database is ready only inside tests and hooks");
      return client;
    },
  };
}

/** Runs statements one by one on one session (CREATE DATABASE can't share a transaction). */
async function admin(url: string, ...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}
