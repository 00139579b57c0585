import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { runChange } from "@/lib/change/run-change";
import { dataDir, ensureDataDir, readOrCreateSecretFile } from "@/lib/config/data-dir";
import { rotateSecrets } from "@/lib/connections/rotate-secrets";
import { SecretBox } from "@/lib/secrets/secret-box";
import { ExitCode, UsageError, type CliCommand, type CliIo } from "../command";
import { parseArgs } from "../parse-args";
import { reportChangeFailure } from "../report-change-failure";
import { cliCaller, withDatabase } from "../with-database";

const KEY_FILE = "secret.key";
const NEXT_KEY_FILE = "secret.key.next";

export const secretsCommand: CliCommand = {
  name: "secrets",
  help: `Usage: gantry secrets rotate [--new-key BASE64]

Opens every stored registry secret (passwords, tokens, keys) with the current key and seals it
again under a new one, in one database transaction: all move, or none does.

Embedded (GANTRY_SECRET_KEY not set): the current key is the data folder's ${KEY_FILE}. The new
key is written to ${NEXT_KEY_FILE} first and renamed over ${KEY_FILE} once the database has
committed; if the command is interrupted in between, run it again to finish.
With GANTRY_SECRET_KEY set: the new key is printed on standard output, alone. Set it as
GANTRY_SECRET_KEY on every web and worker process.

Either way, restart Gantry (web and workers) afterwards: running processes keep the old key,
which no longer opens the secrets.

Options:
  --new-key BASE64   the new key: 32 random bytes in base64 (default: generated)

Examples:
  gantry secrets rotate
  NEW_KEY=$(GANTRY_SECRET_KEY="$OLD_KEY" gantry secrets rotate)
`,
  async run(argv, io) {
    const { values, positionals } = parseArgs(argv, { "new-key": { type: "string" } });
    if (positionals[0] !== "rotate" || positionals.length !== 1) throw new UsageError("expected `secrets rotate`");
    const given = values["new-key"] === undefined ? undefined : checkedKey(values["new-key"]);
    const plan = io.env.GANTRY_SECRET_KEY
      ? fromEnvironment(io.env.GANTRY_SECRET_KEY, given)
      : fromDataFolder(dataDir(io.env), given);
    const to = SecretBox.fromBase64(plan.newKey);

    return withDatabase(io.env, async () => {
      const result = await runChange(
        rotateSecrets({ from: plan.from, to }),
        cliCaller(),
        {},
        { ip: null, userAgent: "gantry-cli" },
      );
      if (!result.ok) return reportChangeFailure(io, result);
      const { resealed, alreadyUnderNewKey } = result.data;
      const summary = `re-sealed ${resealed} secret(s) under key ${to.keyId}${alreadyUnderNewKey ? ` (${alreadyUnderNewKey} already were)` : ""}`;
      plan.commit(io, summary);
      return ExitCode.ok;
    });
  },
};

interface RotationPlan {
  /** Keys the stored secrets may be sealed with now. */
  from: SecretBox[];
  newKey: string;
  /** After the database committed: put the new key where the next start reads it, and say so. */
  commit(io: CliIo, summary: string): void;
}

function fromEnvironment(currentKey: string, given: string | undefined): RotationPlan {
  const current = SecretBox.fromBase64(currentKey);
  refuseCurrentKey(current, given);
  const newKey = given ?? generateKey();
  return {
    from: [current],
    newKey,
    commit(io, summary) {
      io.stdout.write(`${newKey}\n`);
      io.stderr.write(
        `${summary}\nSet GANTRY_SECRET_KEY to the key above on every web and worker process, then restart them: the old key no longer opens the secrets.\n`,
      );
    },
  };
}

/**
 * The new key reaches disk (as secret.key.next) before the transaction, so a crash after the
 * commit cannot lose the only key that opens the secrets; the rename afterwards is atomic.
 */
function fromDataFolder(dir: string, given: string | undefined): RotationPlan {
  ensureDataDir(dir);
  const keyFile = path.join(dir, KEY_FILE);
  const nextFile = path.join(dir, NEXT_KEY_FILE);
  const current = SecretBox.fromBase64(readOrCreateSecretFile(dir, KEY_FILE));
  refuseCurrentKey(current, given);
  const leftover = readIfPresent(nextFile);
  if (leftover && given && leftover !== given) {
    throw new UsageError(
      `an interrupted rotation left ${nextFile}; run \`gantry secrets rotate\` without --new-key to finish it first`,
    );
  }
  const newKey = given ?? leftover ?? generateKey();
  fs.writeFileSync(nextFile, `${newKey}\n`, { mode: 0o600 });
  return {
    from: [current, ...(leftover ? [SecretBox.fromBase64(leftover)] : [])],
    newKey,
    commit(io, summary) {
      fs.renameSync(nextFile, keyFile);
      io.stdout.write(`${summary}; ${keyFile} holds the new key. Restart Gantry so the web app and workers use it.\n`);
    },
  };
}

function refuseCurrentKey(current: SecretBox, given: string | undefined): void {
  if (given && SecretBox.fromBase64(given).keyId === current.keyId)
    throw new UsageError("--new-key is the current key: give a different one");
}

function checkedKey(value: string): string {
  const trimmed = value.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || Buffer.from(trimmed, "base64").length !== 32) {
    throw new UsageError("--new-key must be 32 random bytes in base64, e.g. from `openssl rand -base64 32`");
  }
  return trimmed;
}

function generateKey(): string {
  return crypto.randomBytes(32).toString("base64");
}

function readIfPresent(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8").trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
