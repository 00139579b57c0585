import { spawn } from "node:child_process";
import { AuthError } from "../errors";
import { oneLine } from "../redact";
import type { Credentials } from "./authenticator";

export interface CredentialHelperRequest {
  /** The helper's suffix: `ecr-login` runs `docker-credential-ecr-login`. */
  helper: string;
  /** What docker passes on stdin: the registry host, or `https://index.docker.io/v1/` for Docker Hub. */
  serverUrl: string;
  /** Environment for the helper (PATH finds it). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const NOT_FOUND = /credentials not found/i;
const MAX_OUTPUT = 64 * 1024;

/**
 * `docker-credential-<helper> get` (docker-credential-helpers' protocol): the server URL on
 * stdin, `{"ServerURL","Username","Secret"}` on stdout. Undefined when the helper has no
 * credentials for it. A Username of `<token>` marks an identity (refresh) token.
 */
export async function runCredentialHelper(request: CredentialHelperRequest): Promise<Credentials | undefined> {
  if (!/^[A-Za-z0-9_.-]+$/.test(request.helper)) {
    throw new AuthError(`credential helper name ${JSON.stringify(request.helper)} is not a plain name`, {
      code: "HELPER_INVALID",
    });
  }
  const program = `docker-credential-${request.helper}`;
  const { code, stdout, stderr } = await run(program, request);
  if (code !== 0) {
    if (NOT_FOUND.test(stdout) || NOT_FOUND.test(stderr)) return undefined;
    const said = oneLine(stderr || stdout, 200) || "no output";
    throw new AuthError(`credential helper ${program} failed for ${request.serverUrl} (exit ${code}): ${said}`, {
      code: "HELPER_FAILED",
    });
  }
  let parsed: { Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch {
    throw new AuthError(`credential helper ${program} printed something other than JSON for ${request.serverUrl}`, {
      code: "HELPER_FAILED",
    });
  }
  const username = typeof parsed.Username === "string" ? parsed.Username : "";
  const secret = typeof parsed.Secret === "string" ? parsed.Secret : "";
  if (!secret) return undefined;
  if (username === "<token>") return { kind: "identity-token", token: secret };
  return { kind: "basic", username, password: secret };
}

function run(
  program: string,
  request: CredentialHelperRequest,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, ["get"], {
      env: request.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
      timeout: request.timeoutMs ?? 30_000,
      signal: request.signal,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk.toString("utf8");
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") {
        reject(
          new AuthError(`credential helper ${program} is not installed (not found on PATH)`, {
            code: "HELPER_MISSING",
          }),
        );
      } else
        reject(
          new AuthError(`credential helper ${program} could not run: ${error.message}`, {
            code: "HELPER_FAILED",
            cause: error,
          }),
        );
    });
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    child.stdin.on("error", () => undefined); // a helper that exits without reading stdin
    child.stdin.end(request.serverUrl);
  });
}
