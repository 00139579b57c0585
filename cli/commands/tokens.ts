import { runChange } from "@/lib/change/run-change";
import { createApiToken } from "@/lib/auth/api-tokens";
import { ExitCode, UsageError, type CliCommand } from "../command";
import { parseArgs } from "../parse-args";
import { reportChangeFailure } from "../report-change-failure";
import { cliCaller, withDatabase } from "../with-database";

export const tokensCommand: CliCommand = {
  name: "tokens",
  help: `Usage: gantry tokens create --email EMAIL --name NAME [--role ROLE] [--expires-days N]

Creates a named API token owned by the user EMAIL and prints only the token, once. Use it as
\`Authorization: Bearer <token>\` on /api/v1. The token acts with ROLE (default: the owner's
role), never above its owner's current role.

In the console and through /api/v1 a token is created only by its own user (an admin cannot
mint tokens for teammates, which would let one admin approve as two people). This command
runs with the database's own credentials, which can already change any row, so it may name
any active user; the audit trail records it as made at the command line.

Options:
  --email EMAIL       the owner
  --name NAME         a name unique for that owner, e.g. "ci-pipeline"
  --role ROLE         viewer | operator | approver | admin
  --expires-days N    expire after N days (default: never)

Example:
  TOKEN=$(gantry tokens create --email ops@example.com --name ci --role operator)
`,
  async run(argv, io) {
    const { values, positionals } = parseArgs(argv, {
      email: { type: "string" },
      name: { type: "string" },
      role: { type: "string" },
      "expires-days": { type: "string" },
    });
    if (positionals[0] !== "create" || positionals.length !== 1) throw new UsageError("expected `tokens create`");
    if (!values.email) throw new UsageError("--email is required");
    if (!values.name) throw new UsageError("--name is required");
    const expiresInDays = values["expires-days"] === undefined ? undefined : Number(values["expires-days"]);
    if (expiresInDays !== undefined && !Number.isInteger(expiresInDays))
      throw new UsageError("--expires-days must be a whole number of days");
    return withDatabase(io.env, async () => {
      const result = await runChange(
        createApiToken,
        cliCaller(),
        { email: values.email, name: values.name, role: values.role, expiresInDays },
        { ip: null, userAgent: "gantry-cli" },
      );
      if (!result.ok) return reportChangeFailure(io, result);
      io.stdout.write(`${result.data.token}\n`);
      return ExitCode.ok;
    });
  },
};
