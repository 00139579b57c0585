import path from "node:path";
import { dataDir } from "@/lib/config/data-dir";
import { ExitCode, UsageError, type CliCommand, type CliIo } from "../command";
import { parseArgs } from "../parse-args";
import { projectRoot } from "../project-root";
import { resolveDatabase } from "../runtime-env";

export const backupCommand: CliCommand = {
  name: "backup",
  help: `Usage: gantry backup create FILE
       gantry backup restore FILE

create    writes every row of Gantry's tables (registries, channels, releases, promotions,
          approvals, audit trail, users, tokens, webhooks, settings) to FILE, gzip, from one
          consistent snapshot: safe while the console and workers run.
restore   applies this version's migrations to an EMPTY database and loads FILE into it in one
          transaction (all or nothing). Refuses a database that already holds data and a
          backup from a newer Gantry.

Works on DATABASE_URL or the embedded database of GANTRY_DATA_DIR (default ./.gantry).
The job queue is not in the backup: workers rebuild it (pending images and webhook deliveries
are found again by their recovery jobs).

The secret key is NOT in the backup. Registry credentials and webhook secrets are encrypted
under it: keep it with the backup, stored apart (GANTRY_SECRET_KEY, or the data folder's
secret.key). Restored without it, every connection's secret must be entered again.

Examples:
  gantry backup create /backups/gantry-$(date +%F).gz
  DATABASE_URL=postgresql://gantry@new-db/gantry gantry backup restore /backups/gantry-2026-12-01.gz
`,
  async run(argv, io) {
    const { positionals } = parseArgs(argv, {});
    const [action, file] = positionals;
    if (action !== "create" && action !== "restore")
      throw new UsageError("expected `backup create FILE` or `backup restore FILE`");
    if (!file || positionals.length !== 2) throw new UsageError(`\`backup ${action}\` needs one FILE`);
    const target = path.resolve(file);
    const database = await resolveDatabase(io.env);
    try {
      if (action === "create") {
        const { createBackup } = await import("@/lib/backup/create-backup");
        const header = await createBackup({ databaseUrl: database.url, file: target });
        const rows = Object.values(header.rows).reduce((a, b) => a + b, 0);
        io.stdout.write(`backup written: ${target} (${rows} rows, ${Object.keys(header.rows).length} tables)\n`);
      } else {
        const { restoreBackup, BackupRefused } = await import("@/lib/backup/restore-backup");
        try {
          const restored = await restoreBackup({ databaseUrl: database.url, file: target, root: projectRoot() });
          const rows = Object.values(restored.rows).reduce((a, b) => a + b, 0);
          io.stdout.write(`restored ${rows} rows from the backup of ${restored.createdAt}\n`);
        } catch (error) {
          if (!(error instanceof BackupRefused)) throw error;
          io.stderr.write(`gantry backup restore: ${error.message}\n`);
          return ExitCode.failed;
        }
      }
      remindOfKey(io);
      return ExitCode.ok;
    } finally {
      if (database.embedded?.startedHere) await database.embedded.stop();
    }
  },
};

function remindOfKey(io: CliIo): void {
  const where = io.env.GANTRY_SECRET_KEY
    ? "the value of GANTRY_SECRET_KEY"
    : `the file ${path.join(dataDir(io.env), "secret.key")}`;
  io.stderr.write(
    `Remember: the secret key is not in the backup. Registry credentials and webhook secrets are encrypted under ${where}; ` +
      "keep a copy of it with your backups, stored apart (a password manager or secret store). " +
      "Without it, a restored install cannot open them and each secret must be entered again.\n",
  );
}
