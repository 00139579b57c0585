import { dataDir, ensureDataDir, readOrCreateSecretFile } from "@/lib/config/data-dir";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded-postgres";

export interface Database {
  url: string;
  embedded: EmbeddedDatabase | null;
}

/**
 * The database to use: DATABASE_URL when set, otherwise the embedded Postgres of the data
 * folder (reused when a console already runs it, started otherwise).
 */
export async function resolveDatabase(env: NodeJS.ProcessEnv, onLog?: (line: string) => void): Promise<Database> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, embedded: null };
  const dir = dataDir(env);
  ensureDataDir(dir);
  const embedded = await startEmbeddedPostgres({ dataDir: dir, onLog });
  return { url: embedded.url, embedded };
}

/**
 * Keys the web process needs. Set them in the environment for several machines; otherwise
 * they are generated once into the data folder (mode 0600) and reused.
 */
export function resolveKeys(env: NodeJS.ProcessEnv): { authSecret: string; secretKey: string } {
  const dir = dataDir(env);
  const needsFolder = !(env.NEXTAUTH_SECRET || env.GANTRY_AUTH_SECRET) || !env.GANTRY_SECRET_KEY;
  if (needsFolder) ensureDataDir(dir);
  return {
    authSecret: env.GANTRY_AUTH_SECRET || env.NEXTAUTH_SECRET || readOrCreateSecretFile(dir, "auth-secret"),
    secretKey: env.GANTRY_SECRET_KEY || readOrCreateSecretFile(dir, "secret.key"),
  };
}
