import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import zlib from "node:zlib";
import pg from "pg";
import { applyMigrations } from "@/lib/db/migrate";
import { backupTables, quoteIdent } from "./backup-tables";
import { backupFormat, type BackupHeader } from "./backup-format";

const batchRows = 500;

export class BackupRefused extends Error {}

/**
 * Restores a `createBackup` file into an empty database: applies this version's migrations,
 * then inserts every row in one transaction (parents first), so a restore that fails leaves
 * nothing behind. A backup from a newer Gantry (a migration this version lacks) is refused.
 */
export async function restoreBackup(options: {
  databaseUrl: string;
  file: string;
  root: string;
}): Promise<{ createdAt: string; rows: Record<string, number> }> {
  if (!fs.existsSync(options.file)) throw new BackupRefused(`no file at ${options.file}`);
  const lines = readline
    .createInterface({
      input: fs.createReadStream(options.file).pipe(zlib.createGunzip()),
      crlfDelay: Infinity,
    })
    [Symbol.asyncIterator]();
  const header = await readHeader(lines);
  const known = new Set(fs.readdirSync(path.join(options.root, "prisma", "migrations")));
  const newer = header.migrations.filter((name) => !known.has(name));
  if (newer.length)
    throw new BackupRefused(`the backup comes from a newer Gantry (migrations ${newer.join(", ")}): upgrade first`);
  await applyMigrations({ databaseUrl: options.databaseUrl, root: options.root });

  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    const tables = new Set(await backupTables(client));
    for (const table of tables) {
      const { rows } = await client.query(`SELECT EXISTS (SELECT 1 FROM ${quoteIdent(table)}) AS used`);
      if (rows[0].used)
        throw new BackupRefused(
          `the database already holds data (table ${table}): restore into an empty database (a new database for DATABASE_URL, or a new GANTRY_DATA_DIR)`,
        );
    }
    const counts = await insertRows(client, lines, tables);
    await resetSequences(client);
    await client.query("COMMIT");
    return { createdAt: header.createdAt, rows: counts };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

async function readHeader(lines: AsyncIterator<string>): Promise<BackupHeader> {
  let first: IteratorResult<string>;
  try {
    first = await lines.next();
  } catch {
    throw new BackupRefused("the file is not a Gantry backup (not gzip)");
  }
  const prefix = `#${backupFormat} `;
  if (first.done || !first.value.startsWith(prefix)) throw new BackupRefused("the file is not a Gantry backup");
  return JSON.parse(first.value.slice(prefix.length)) as BackupHeader;
}

async function insertRows(
  client: pg.Client,
  lines: AsyncIterator<string>,
  tables: Set<string>,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let table: string | null = null;
  let batch: string[] = [];
  const flush = async () => {
    if (!table || batch.length === 0) return;
    // Only the columns the backup has: a column added by a later migration takes its default.
    const columns = Object.keys(JSON.parse(batch[0]!) as object)
      .map(quoteIdent)
      .join(", ");
    await client.query(
      `INSERT INTO ${quoteIdent(table)} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${quoteIdent(table)}, $1::json)`,
      [`[${batch.join(",")}]`],
    );
    counts[table] = (counts[table] ?? 0) + batch.length;
    batch = [];
  };
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    const line = next.value;
    if (line.startsWith("#table ")) {
      await flush();
      table = line.slice("#table ".length);
      if (!tables.has(table)) throw new BackupRefused(`the backup has a table this version does not know: ${table}`);
      counts[table] = 0;
    } else if (line.startsWith("#end ")) {
      await flush();
      const expected = (JSON.parse(line.slice("#end ".length)) as { rows: Record<string, number> }).rows;
      for (const [name, rows] of Object.entries(expected))
        if ((counts[name] ?? 0) !== rows) throw new BackupRefused(`table ${name}: ${counts[name]} rows of ${rows}`);
      return counts;
    } else if (line) {
      batch.push(line);
      if (batch.length >= batchRows) await flush();
    }
  }
  throw new BackupRefused("the backup is cut short (no end line): it was not written completely");
}

/** Serial and identity columns continue after the restored rows. */
async function resetSequences(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ table: string; column: string }>(
    `SELECT table_name AS table, column_name AS column FROM information_schema.columns
     WHERE table_schema = 'public' AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')`,
  );
  for (const { table, column } of rows) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(${quoteIdent(column)}), 1), max(${quoteIdent(column)}) IS NOT NULL) FROM ${quoteIdent(table)}`,
      [quoteIdent(table), column],
    );
  }
}
