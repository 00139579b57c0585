import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";
import { withCommitHooks } from "./before-commit";
import { dbPoolSize } from "./pool-size";

export type Db = PrismaClient;
/** The client handed to code running inside `prisma.$transaction`. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

const globalForPrisma = globalThis as unknown as { gantryPrisma?: PrismaClient };

/** The process-wide Prisma client, created on first use from DATABASE_URL. */
export function db(): PrismaClient {
  globalForPrisma.gantryPrisma ??= createClient(databaseUrl());
  return globalForPrisma.gantryPrisma;
}

export function createClient(connectionString: string): PrismaClient {
  return withCommitHooks(
    new PrismaClient({
      adapter: new PrismaPg({ connectionString, max: dbPoolSize(process.env.GANTRY_DB_POOL_SIZE) }),
    }),
  );
}

function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error("DATABASE_URL is not set: start Gantry with `npm start` or set DATABASE_URL to a Postgres URL");
  return url;
}
