import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import type { PrismaClient } from "@/lib/db/generated/client";
import { db } from "@/lib/db/prisma";
import { auditHash, genesisHash } from "./audit-hash";
import { auditColumns, type AuditRow } from "./audit-sql";
import { toAuditEventView } from "./audit-event-view";
import { auditArchivedAction, findChainAnchor } from "./chain-anchor";
import { recordAuditEvent } from "./record-audit-event";

export interface ArchiveResult {
  file: string;
  count: number;
  firstId: string;
  lastId: string;
  lastHash: string;
}

export interface ArchiveOptions {
  /** Events recorded before this instant go. */
  olderThan: Date;
  /** The folder for the archive files (see `auditArchiveDir`). */
  dir: string;
  client?: PrismaClient;
  batchSize?: number;
}

/** Serialises appends to the chain; the same key `recordAuditEvent` takes. */
const chainLockKey = 7_240_913;

/**
 * Retention: writes every event older than `olderThan` (the oldest, contiguous by id) to a
 * gzip JSON Lines file, makes sure it is on disk, and only then deletes those rows, in a
 * maintenance transaction that also records "audit.archived" with the file, the count and
 * the last archived event's id and hash — the anchor verification starts from afterwards.
 * Refuses to archive a chain that is already broken, so tampering is not archived away.
 * Returns null when nothing is old enough.
 */
export async function archiveAuditEvents(options: ArchiveOptions): Promise<ArchiveResult | null> {
  const client = options.client ?? db();
  const [{ lastId } = { lastId: null }] = await client.$queryRaw<
    { lastId: bigint | null }[]
  >`SELECT max("id") AS "lastId" FROM "AuditEvent" WHERE "at" < ${options.olderThan.toISOString()}::timestamp(3)`;
  if (lastId === null) return null;

  fs.mkdirSync(options.dir, { recursive: true, mode: 0o750 });
  const startHash = (await findChainAnchor(client))?.lastHash ?? genesisHash;
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const partial = path.join(options.dir, `.audit-${stamp}-${process.pid}.partial`);
  const summary = { count: 0, firstId: "", lastId: "", lastHash: startHash };
  const out = fs.createWriteStream(partial, { mode: 0o640 });
  try {
    await pipeline(
      Readable.from(archiveLines(client, lastId, options.batchSize ?? 5000, summary)),
      zlib.createGzip(),
      out,
    );
    await fsyncFile(partial);
    const file = `audit-${summary.firstId}-${summary.lastId}-${stamp}.jsonl.gz`;
    fs.renameSync(partial, path.join(options.dir, file));
    try {
      await deleteArchived(client, { ...summary, file }, lastId);
    } catch (error) {
      // The rows stay in the database, so this file would only duplicate them.
      fs.rmSync(path.join(options.dir, file), { force: true });
      throw error;
    }
    return { file, ...summary };
  } finally {
    // A refused chain destroys the stream, whose file may open only after the refusal: wait for
    // it to close, or the removal runs first and an empty .partial is left behind.
    if (!out.closed) await new Promise<void>((resolve) => out.once("close", () => resolve()));
    fs.rmSync(partial, { force: true });
  }
}

/** The rows up to `lastId` as JSON lines, checking each link on the way. */
async function* archiveLines(
  client: PrismaClient,
  lastId: bigint,
  batchSize: number,
  summary: { count: number; firstId: string; lastId: string; lastHash: string },
): AsyncGenerator<string> {
  let afterId = -1n;
  for (;;) {
    const rows = await client.$queryRaw<
      AuditRow[]
    >`SELECT ${auditColumns} FROM "AuditEvent" WHERE "id" > ${afterId} AND "id" <= ${lastId} ORDER BY "id" ASC LIMIT ${batchSize}`;
    if (rows.length === 0) return;
    let lines = "";
    for (const row of rows) {
      if (row.prevHash !== summary.lastHash || auditHash(row) !== row.hash) {
        throw new Error(
          `the audit chain is broken at event #${row.id}; run \`gantry audit verify\` — nothing was archived`,
        );
      }
      const { summary: _readable, targetLabel: _label, targetHref: _href, ...event } = toAuditEventView(row);
      lines += `${JSON.stringify(event)}\n`;
      summary.count += 1;
      summary.firstId ||= String(row.id);
      summary.lastId = String(row.id);
      summary.lastHash = row.hash;
    }
    yield lines;
    afterId = rows[rows.length - 1]!.id;
  }
}

/**
 * One maintenance transaction: the "audit.archived" event goes in first, linked to the
 * newest event as usual (it stays, being newer than everything deleted), then the archived
 * rows go. Checked against what was written, in case another run got there first.
 */
async function deleteArchived(client: PrismaClient, archived: ArchiveResult, lastId: bigint): Promise<void> {
  await client.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${chainLockKey})`;
      const [present] = await tx.$queryRaw<
        { count: bigint; first: bigint | null }[]
      >`SELECT count(*) AS "count", min("id") AS "first" FROM "AuditEvent" WHERE "id" <= ${lastId}`;
      if (Number(present?.count ?? 0) !== archived.count || String(present?.first) !== archived.firstId) {
        throw new Error(
          `the events to archive changed while they were written (expected ${archived.count} from #${archived.firstId}); try again`,
        );
      }
      // Now, not at commit: it must link to the newest event before the archived ones go.
      await recordAuditEvent(
        tx,
        {
          action: auditArchivedAction,
          targetType: "audit",
          targetId: archived.file,
          detail: {
            file: archived.file,
            count: archived.count,
            firstId: archived.firstId,
            lastId: archived.lastId,
            lastHash: archived.lastHash,
          },
        },
        { immediately: true },
      );
      await tx.$executeRawUnsafe(`SET LOCAL gantry.audit_maintenance = 'on'`);
      await tx.$executeRaw`DELETE FROM "AuditEvent" WHERE "id" <= ${lastId}`;
    },
    { maxWait: 30_000, timeout: 15 * 60_000 },
  );
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await fs.promises.open(file, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
