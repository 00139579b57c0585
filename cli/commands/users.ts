import { runChange } from "@/lib/change/run-change";
import { createUser } from "@/lib/users/user-changes";
import { ExitCode, UsageError, type CliCommand } from "../command";
import { parseArgs } from "../parse-args";
import { readSecret } from "../read-secret";
import { cliCaller, withDatabase } from "../with-database";
import { reportChangeFailure } from "../report-change-failure";

export const usersCommand: CliCommand = {
  name: "users",
  help: `Usage: gantry users create --email EMAIL --role ROLE [--name NAME] [--password-stdin]

Creates a user who signs in with email and password. The password is read from standard
input: piped (--password-stdin, or any pipe) or typed at a hidden prompt.

Options:
  --email EMAIL       the sign-in email
  --role ROLE         viewer | operator | approver | admin
  --name NAME         display name (optional)
  --password-stdin    read the password from standard input (the default when piped)

Environment: DATABASE_URL, or GANTRY_DATA_DIR (default ./.gantry) for the embedded database,
which is started for the command if no console is running it.

Example:
  printf '%s' "$PASSWORD" | gantry users create --email ops@example.com --role operator --password-stdin
`,
  async run(argv, io) {
    const { values, positionals } = parseArgs(argv, {
      email: { type: "string" },
      role: { type: "string" },
      name: { type: "string" },
      "password-stdin": { type: "boolean" },
    });
    if (positionals[0] !== "create" || positionals.length !== 1) throw new UsageError("expected `users create`");
    const { email, role } = values;
    if (!email) throw new UsageError("--email is required");
    if (!role) throw new UsageError("--role is required");
    const password = await readSecret(io, "Password: ");
    return withDatabase(io.env, async () => {
      const result = await runChange(
        createUser,
        cliCaller(),
        { email, role, name: values.name, password },
        { ip: null, userAgent: "gantry-cli" },
      );
      if (!result.ok) return reportChangeFailure(io, result);
      io.stdout.write(`created ${role} ${email.toLowerCase()} (${result.data.id})\n`);
      return ExitCode.ok;
    });
  },
};
