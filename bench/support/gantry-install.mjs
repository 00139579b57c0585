// What the benchmarks share: a free port, `--name value` arguments, and a production
// `gantry start` on a data folder of their own, with the CLI and a signed-in session beside it.
import { execFileSync, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A port nobody listens on at the moment, on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The value after `--name` on the command line, or undefined. */
export function argValue(name) {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
}

/** `gantry start` with the first admin bootstrapped; resolves once it says it is running (build included, up to 10 min). */
export async function startGantry({ port, env, admin }) {
  const child = spawn(process.execPath, [path.join(root, "bin", "gantry"), "start", "--port", String(port)], {
    cwd: root,
    env: { ...env, GANTRY_ADMIN_EMAIL: admin.email, GANTRY_ADMIN_PASSWORD: admin.password },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  process.once("exit", () => child.kill("SIGKILL"));
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`gantry start exited early:\n${output}`);
    if (/Gantry is running at /.test(output)) return child;
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill("SIGKILL");
  throw new Error(`gantry did not start within 600 s:\n${output}`);
}

/** SIGTERM, and wait for the exit. */
export async function stopGantry(child) {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
}

/** Runs `bin/gantry ARGS` against the same data folder; with allowFailure a failing run answers its output and exit code. */
export function gantryCli(env, args, options = {}) {
  try {
    return execFileSync(process.execPath, [path.join(root, "bin", "gantry"), ...args], {
      cwd: root,
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    if (options.allowFailure) return `${error.stdout ?? ""}${error.stderr ?? ""} (exit ${error.status})`;
    throw new Error(`gantry ${args.join(" ")} failed: ${error.stderr || error.message}`);
  }
}

/** next-auth's credentials flow with plain fetch: CSRF cookie + token, then the callback. Answers the Cookie header. */
export async function signIn(base, admin) {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = await csrf.json();
  const jar = cookiesOf(csrf);
  const response = await fetch(`${base}/api/auth/callback/password`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar },
    body: new URLSearchParams({ csrfToken, email: admin.email, password: admin.password, json: "true" }),
    redirect: "manual",
  });
  const session = cookiesOf(response);
  if (!/session-token=/.test(session)) throw new Error(`sign-in failed (${response.status})`);
  return `${jar}; ${session}`;
}

function cookiesOf(response) {
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}
