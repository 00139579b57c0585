import os from "node:os";
import { applyMigrations } from "@/lib/db/migrate";
import type { Caller } from "@/lib/change/run-change";
import { projectRoot } from "./project-root";
import { resolveDatabase } from "./runtime-env";

/**
 * Runs `fn` against the configured database (starting the embedded one if needed, and
 * stopping it again if this command started it), with migrations applied.
 */
export async function withDatabase<T>(env: NodeJS.ProcessEnv, fn: () => Promise<T>): Promise<T> {
  const database = await resolveDatabase(env);
  process.env.DATABASE_URL = database.url;
  try {
    await applyMigrations({ databaseUrl: database.url, root: projectRoot() });
    return await fn();
  } finally {
    const { db } = await import("@/lib/db/prisma");
    await db().$disconnect();
    if (database.embedded?.startedHere) await database.embedded.stop();
  }
}

/** The person at the terminal: trusted like an admin (they hold the database), audited as such. */
export function cliCaller(): Caller {
  const who = `${os.userInfo().username}@${os.hostname()}`;
  return { userId: null, email: `cli:${who}`, role: "admin" };
}
