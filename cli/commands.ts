import type { CliCommand } from "./command";

/** A subcommand as `gantry --help` lists it; its module (and the packages it needs) loads only when it runs. */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<CliCommand>;
}

/**
 * Every `gantry <name>` subcommand, in the order `gantry --help` lists them. Loaded lazily:
 * `gantry copy` never pays for Prisma, pg-boss or argon2 (see bench/copy.sh for why it matters).
 */
export const commands: CommandEntry[] = [
  {
    name: "start",
    summary: "Run the whole console on this machine: database, migrations, web and a worker",
    load: async () => (await import("./commands/start")).startCommand,
  },
  {
    name: "worker",
    summary: "Run a queue worker (copies images); run one per machine to scale out",
    load: async () => (await import("./commands/worker")).workerCommand,
  },
  {
    name: "migrate",
    summary: "Apply database migrations, show pending ones, or create a new one",
    load: async () => (await import("./commands/migrate")).migrateCommand,
  },
  {
    name: "users",
    summary: "Create console users (against DATABASE_URL or the embedded data folder)",
    load: async () => (await import("./commands/users")).usersCommand,
  },
  {
    name: "tokens",
    summary: "Create API tokens for /api/v1 (prints only the token)",
    load: async () => (await import("./commands/tokens")).tokensCommand,
  },
  {
    name: "secrets",
    summary: "Re-encrypt every stored registry secret under a new key",
    load: async () => (await import("./commands/secrets")).secretsCommand,
  },
  {
    name: "audit",
    summary: "Verify the audit trail's hash chain end to end",
    load: async () => (await import("./commands/audit")).auditCommand,
  },
  {
    name: "backup",
    summary: "Back up the database to a file, or restore one into an empty database",
    load: async () => (await import("./commands/backup")).backupCommand,
  },
  {
    name: "copy",
    summary: "Copy images registry to registry, digests kept (no Docker daemon)",
    load: async () => (await import("./commands/copy")).copyCommand,
  },
  {
    name: "bundle",
    summary: "Export images as one verifiable, resumable bundle file; verify it; import it",
    load: async () => (await import("./commands/bundle")).bundleCommand,
  },
  {
    name: "tags",
    summary: "List the tags of a repository",
    load: async () => (await import("./commands/tags")).tagsCommand,
  },
  {
    name: "inspect",
    summary: "Show an image's digest, media type, platforms and size",
    load: async () => (await import("./commands/inspect")).inspectCommand,
  },
];
