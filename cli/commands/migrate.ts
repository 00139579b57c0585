import { applyMigrations, createMigration, pendingMigrations } from "@/lib/db/migrate";
import { ExitCode, UsageError, type CliCommand } from "../command";
import { parseArgs } from "../parse-args";
import { projectRoot } from "../project-root";
import { resolveDatabase } from "../runtime-env";

export const migrateCommand: CliCommand = {
  name: "migrate",
  help: `Usage: gantry migrate [deploy | status | new NAME]

  deploy      apply every pending migration in prisma/migrations (default)
  status      list migrations not applied yet; exit 1 if there are any
  new NAME    write prisma/migrations/<timestamp>_NAME from the changes to prisma/schema.prisma

Runs Prisma's schema engine (compiled to WebAssembly) against DATABASE_URL, or the embedded
database of GANTRY_DATA_DIR (default ./.gantry).
`,
  async run(argv, io) {
    const { positionals } = parseArgs(argv, {});
    const [action = "deploy", name] = positionals;
    if (!["deploy", "status", "new"].includes(action)) throw new UsageError(`unknown action "${action}"`);
    if (action === "new" && !name) throw new UsageError("`migrate new` needs a NAME");
    const database = await resolveDatabase(io.env);
    const root = projectRoot();
    try {
      if (action === "new") {
        const created = await createMigration({ databaseUrl: database.url, root, name: name! });
        io.stdout.write(
          created ? `created prisma/migrations/${created}\n` : "schema.prisma has no changes: no migration written\n",
        );
        return ExitCode.ok;
      }
      if (action === "status") {
        const pending = await pendingMigrations({ databaseUrl: database.url, root });
        io.stdout.write(
          pending.length ? `pending:\n${pending.map((p) => `  ${p}`).join("\n")}\n` : "database is up to date\n",
        );
        return pending.length ? ExitCode.failed : ExitCode.ok;
      }
      const applied = await applyMigrations({ databaseUrl: database.url, root });
      io.stdout.write(
        applied.length ? `applied:\n${applied.map((p) => `  ${p}`).join("\n")}\n` : "database is up to date\n",
      );
      return ExitCode.ok;
    } finally {
      if (database.embedded?.startedHere) await database.embedded.stop();
    }
  },
};
