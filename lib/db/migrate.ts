import fs from "node:fs";
import path from "node:path";
import type { MigrationList } from "@prisma/schema-engine-wasm";
import { withSchemaEngine } from "./schema-engine";

export interface MigrateOptions {
  databaseUrl: string;
  /** The project root holding prisma/schema.prisma and prisma/migrations. */
  root?: string;
}

const noFilters = { externalTables: [], externalEnums: [] };

/**
 * `prisma migrate deploy`: applies every migration in prisma/migrations not yet recorded in
 * the database's `_prisma_migrations` table, in order, and refuses edited ones.
 */
export async function applyMigrations(options: MigrateOptions): Promise<string[]> {
  const root = options.root ?? process.cwd();
  return withSchemaEngine(options.databaseUrl, readSchema(root), async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({
      migrationsList: listMigrations(root),
      filters: noFilters,
    });
    return appliedMigrationNames;
  });
}

/** Names of migrations in prisma/migrations that the database has not applied yet. */
export async function pendingMigrations(options: MigrateOptions): Promise<string[]> {
  const root = options.root ?? process.cwd();
  return withSchemaEngine(options.databaseUrl, readSchema(root), async (engine) => {
    const { history, failedMigrationNames } = await engine.diagnoseMigrationHistory({
      migrationsList: listMigrations(root),
      optInToShadowDatabase: false,
      filters: noFilters,
    });
    const unapplied =
      history?.diagnostic === "databaseIsBehind" || history?.diagnostic === "historiesDiverge"
        ? history.unappliedMigrationNames
        : [];
    return [...new Set([...failedMigrationNames, ...unapplied])];
  });
}

/**
 * `prisma migrate dev --create-only`, without a database: diffs the schema snapshot kept with
 * the newest migration against prisma/schema.prisma and writes
 * prisma/migrations/<timestamp>_<name>/{migration.sql,schema.prisma}. Returns null when the
 * schema has not changed.
 */
export async function createMigration(options: MigrateOptions & { name: string }): Promise<string | null> {
  const root = options.root ?? process.cwd();
  const schema = readSchema(root);
  const previous = latestSnapshot(root);
  const stdout = await diffSchemas({ databaseUrl: options.databaseUrl, from: previous, to: schema });
  if (!stdout || /^-- This is an empty migration\.\s*$/.test(stdout.trim())) return null;
  const directory = `${timestamp()}_${options.name.replace(/[^a-z0-9_]+/gi, "_").toLowerCase()}`;
  const target = path.join(migrationsDir(root), directory);
  fs.mkdirSync(target, { recursive: true });
  fs.writeFileSync(path.join(target, "migration.sql"), stdout);
  fs.writeFileSync(path.join(target, snapshotName), schema);
  return directory;
}

/**
 * SQL that takes a database from one schema.prisma to another ("" when they match). The diff
 * is computed from the two files alone; the engine insists on a reachable server to start.
 */
export async function diffSchemas(options: { databaseUrl: string; from: string | null; to: string }): Promise<string> {
  const { from, to } = options;
  return withSchemaEngine(options.databaseUrl, to, async (engine) => {
    const { stdout } = await engine.diff({
      from:
        from === null
          ? { tag: "empty" }
          : { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: from }] },
      to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: to }] },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return stdout ?? "";
  });
}

/** The schema.prisma the newest migration leads to, or null before the first migration. */
export function latestSnapshot(root = process.cwd()): string | null {
  const dirs = migrationDirectoryNames(root).reverse();
  for (const dir of dirs) {
    const file = path.join(migrationsDir(root), dir, snapshotName);
    if (fs.existsSync(file)) return fs.readFileSync(file, "utf8");
  }
  return null;
}

const snapshotName = "schema.prisma";

function readSchema(root: string): string {
  return fs.readFileSync(path.join(root, "prisma", "schema.prisma"), "utf8");
}

function migrationsDir(root: string): string {
  return path.join(root, "prisma", "migrations");
}

function listMigrations(root: string): MigrationList {
  const baseDir = migrationsDir(root);
  const lockPath = path.join(baseDir, "migration_lock.toml");
  const directories = migrationDirectoryNames(root);
  return {
    baseDir,
    lockfile: {
      path: "migration_lock.toml",
      content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: directories.map((name) => {
      const file = path.join(baseDir, name, "migration.sql");
      return {
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: fs.existsSync(file)
            ? { tag: "ok", value: fs.readFileSync(file, "utf8") }
            : { tag: "error", value: `${file} is missing` },
        },
      };
    }),
  };
}

function migrationDirectoryNames(root: string): string[] {
  const baseDir = migrationsDir(root);
  if (!fs.existsSync(baseDir)) return [];
  return fs
    .readdirSync(baseDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
}
