import fs from "node:fs";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import zlib from "node:zlib";
import pg from "pg";
import { backupTables, quoteIdent } from "./backup-tables";
import { backupFormat, type BackupHeader } from "./backup-format";

const batchRows = 1000;

/**
 * Writes every row of Gantry's tables to `file` (gzip, one JSON row per line) from one
 * consistent snapshot, so it can run while the console and workers keep working. Rows travel
 * as Postgres's own JSON text (big integers and timestamps untouched). Written to a temp file
 * first and renamed: a file at `file` is always a whole backup.
 */
export async function createBackup(options: { databaseUrl: string; file: string }): Promise<BackupHeader> {
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  const partial = `${options.file}.partial`;
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const tables = await backupTables(client);
    const migrations = await client.query<{ name: string }>(
      "SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name",
    );
    const header: BackupHeader = {
      format: backupFormat,
      createdAt: new Date().toISOString(),
      migrations: migrations.rows.map((row) => row.name),
      rows: {},
    };
    async function* lines(): AsyncGenerator<string> {
      yield `#${backupFormat} ${JSON.stringify({ ...header, rows: undefined })}\n`;
      for (const table of tables) {
        yield `#table ${table}\n`;
        header.rows[table] = 0;
        await client.query(`DECLARE rows CURSOR FOR SELECT row_to_json(t)::text AS row FROM ${quoteIdent(table)} t`);
        for (;;) {
          const batch = await client.query<{ row: string }>(`FETCH ${batchRows} FROM rows`);
          if (batch.rows.length === 0) break;
          header.rows[table] += batch.rows.length;
          yield batch.rows.map((r) => `${r.row}\n`).join("");
        }
        await client.query("CLOSE rows");
      }
      yield `#end ${JSON.stringify({ rows: header.rows })}\n`;
    }
    await pipeline(Readable.from(lines()), zlib.createGzip(), fs.createWriteStream(partial, { mode: 0o600 }));
    await client.query("COMMIT");
    fs.renameSync(partial, options.file);
    return header;
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  } finally {
    await client.end();
  }
}
