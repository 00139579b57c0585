import type { ChainVerdict } from "@/lib/audit/verify-audit-chain";
import { ExitCode, UsageError, type CliCommand, type CliIo } from "../command";
import { parseArgs } from "../parse-args";
import { withDatabase } from "../with-database";

export const auditCommand: CliCommand = {
  name: "audit",
  help: `Usage: gantry audit verify [--json]

Recomputes the hash of every audit event in order and checks that each one links to the
event before it (or, after retention archived the oldest events, to the last archived
event). Reads in batches, so it runs in constant memory on millions of events.

Exit codes:
  0   the chain is intact
  1   the chain is broken: prints the first broken event's id and time and what differs
  2   a usage mistake

Options:
  --json    print the verdict as one JSON object

Example:
  gantry audit verify || echo "someone changed the audit trail"
`,
  async run(argv, io) {
    const { values, positionals } = parseArgs(argv, { json: { type: "boolean" } });
    if (positionals[0] !== "verify" || positionals.length !== 1) throw new UsageError("expected `audit verify`");
    return withDatabase(io.env, async () => {
      const [{ db }, { verifyAuditChain }] = await Promise.all([
        import("@/lib/db/prisma"),
        import("@/lib/audit/verify-audit-chain"),
      ]);
      const verdict = await verifyAuditChain(db());
      if (values.json)
        io.stdout.write(
          `${JSON.stringify(verdict, (_key, value) => (typeof value === "bigint" ? String(value) : value))}\n`,
        );
      else report(io, verdict);
      return verdict.ok ? ExitCode.ok : ExitCode.failed;
    });
  },
};

function report(io: CliIo, verdict: ChainVerdict): void {
  const from = verdict.anchor
    ? ` (starting from archived event #${verdict.anchor.lastId}, archive ${verdict.anchor.file})`
    : "";
  if (verdict.ok) {
    io.stdout.write(`audit chain intact: ${verdict.events} events verified${from}\n`);
    return;
  }
  io.stdout.write(
    [
      `audit chain BROKEN at event #${verdict.brokenAt} (${verdict.at.toISOString()})`,
      `  why:      ${verdict.reason}`,
      `  expected: ${verdict.expected}`,
      `  found:    ${verdict.actual}`,
      `  checked ${verdict.events} events${from}`,
      "",
    ].join("\n"),
  );
}
