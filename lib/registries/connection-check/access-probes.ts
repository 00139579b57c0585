import "server-only";
import { AuthError, isOciError } from "@/lib/oci/errors";
import { listCatalog } from "@/lib/oci/list-tags";
import type { RegistryClient } from "@/lib/oci/registry-client";
import { isRegistryError } from "@/lib/oci/registry-error";
import { cancelUpload, startUpload } from "@/lib/oci/remote-blob";
import type { RegistryConnection } from "../connection";
import { providerInfo } from "../providers";
import type { RegistryAdapter } from "../registry-adapter";
import type { Ping } from "./registry-api-probes";
import { StepFailure, type StepOutcome } from "./step";

// Only opens and cancels an upload session; no blob is ever written, so any digest will do.
const EMPTY_BLOB = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const LIST_LIMIT = 1000;

export interface AccessProbe {
  connection: RegistryConnection;
  adapter: RegistryAdapter;
  client: RegistryClient;
  ping: Ping;
  signal: AbortSignal;
}

/** GET /v2/ with the connection's credential: lib/oci's own challenge and token flow. */
export async function probeCredential({
  connection,
  adapter,
  client,
  ping,
  signal,
}: AccessProbe): Promise<StepOutcome> {
  try {
    const response = await client.request({ method: "GET", url: "/v2/", scopes: [], ok: [200], signal });
    await response.body.dump().catch(() => undefined);
  } catch (error) {
    throw new StepFailure(credentialMessage(error, connection, adapter, ping));
  }
  const expiry = adapter.tokenExpiresAt?.();
  const until = expiry
    ? `; its registry token is valid until ${expiry.toISOString().slice(0, 16).replace("T", " ")} UTC`
    : "";
  if (connection.authKind === "anonymous") return { status: "passed", message: `anonymous access accepted${until}` };
  return { status: "passed", message: `${adapter.credentialLabel} accepted${until}` };
}

/** Repositories through the provider's API where it has one, else the registry's catalog. */
export async function probeList({
  adapter,
  client,
  signal,
}: AccessProbe): Promise<{ outcome: StepOutcome; repositories?: string[] }> {
  const info = providerInfo(adapter.provider);
  if (info.lists === "none") {
    return {
      outcome: {
        status: "skipped",
        message: `${info.label} lists no repositories to registry clients; Gantry reads tags per repository`,
      },
    };
  }
  let repositories: string[];
  if (adapter.listRepositories) {
    repositories = await adapter.listRepositories({ signal, limit: LIST_LIMIT });
  } else {
    try {
      const all = await listCatalog(client, { signal, limit: LIST_LIMIT, pageSize: 100 });
      repositories = adapter.namespace ? all.filter((name) => name.startsWith(`${adapter.namespace}/`)) : all;
    } catch (error) {
      if (isRegistryError(error) && error.status >= 400 && error.status < 500 && error.status !== 429) {
        const message = `the registry does not let ${adapter.credentialLabel} list its catalog (${error.status}${error.code ? ` ${error.code}` : ""}); Gantry reads tags per repository instead`;
        return { outcome: { status: "skipped", message } };
      }
      throw error;
    }
  }
  const shown = repositories.slice(0, 5).join(", ");
  const more = repositories.length > 5 ? `, … (${repositories.length} in all)` : "";
  const count = `${repositories.length === LIST_LIMIT ? "at least " : ""}${repositories.length} ${repositories.length === 1 ? "repository" : "repositories"}`;
  const message = repositories.length === 0 ? "no repositories yet" : `${count}: ${shown}${more}`;
  return { outcome: { status: "passed", message }, repositories };
}

export async function probeCreate({ adapter, signal }: AccessProbe): Promise<StepOutcome> {
  if (!adapter.createRepository) {
    return { status: "skipped", message: `${providerInfo(adapter.provider).label} creates repositories on first push` };
  }
  const { created } = await adapter.createRepository(adapter.scratchRepository, { signal });
  return {
    status: "passed",
    message: created
      ? `created ${adapter.scratchRepository}`
      : `the repository for ${adapter.scratchRepository} exists already, so nothing was created`,
  };
}

/** Opens an upload session in the scratch repository and cancels it: write access without writing. */
export async function probePush({ adapter, client, signal }: AccessProbe): Promise<StepOutcome> {
  const at = { client, repository: adapter.scratchRepository, push: true, signal };
  let session: Awaited<ReturnType<typeof startUpload>>;
  try {
    session = await startUpload(at, EMPTY_BLOB);
  } catch (error) {
    throw new StepFailure(pushMessage(error, adapter));
  }
  if (!session.mounted) await cancelUpload(at, session.location);
  return { status: "passed", message: `started and cancelled an upload in ${adapter.scratchRepository}` };
}

function credentialMessage(
  error: unknown,
  connection: RegistryConnection,
  adapter: RegistryAdapter,
  ping: Ping,
): string {
  const label = adapter.credentialLabel;
  if (isRegistryError(error) && error.status === 401) {
    if (connection.authKind === "anonymous")
      return "the registry requires credentials, and the connection has none: give a username and password or token";
    return `the registry refused ${label} (401): check the password or token`;
  }
  if (isRegistryError(error) && error.status === 403)
    return `the registry denied ${label} (403${error.code ? ` ${error.code}` : ""}): check what the credential may access`;
  if (error instanceof AuthError && /token service/.test(error.message)) {
    const realm = ping.challenge?.params.realm ? new URL(ping.challenge.params.realm).host : "of the registry";
    const status = /refused the credentials \((\d{3})/.exec(error.message)?.[1];
    if (status) {
      const who = connection.authKind === "anonymous" ? "anonymous access" : label;
      return `the token service ${realm} refused ${who} (${status}): check the ${connection.authKind === "anonymous" ? "registry's anonymous access, or give credentials" : "password or token"}`;
    }
  }
  return messageOf(error);
}

function pushMessage(error: unknown, adapter: RegistryAdapter): string {
  const repository = adapter.scratchRepository;
  if (isRegistryError(error)) {
    const answer = `${error.status}${error.code ? ` ${error.code}` : ""}`;
    if (error.status === 401 || error.status === 403) {
      return `the credential can read but not write '${repository}' (denied: ${answer}): give ${adapter.credentialLabel} push access`;
    }
    if (error.status === 404)
      return `'${repository}' does not exist, and the registry does not create repositories on push (${answer}): create it first`;
    if (error.status >= 500)
      return `the registry could not start an upload in '${repository}' (${answer}): its storage may be failing`;
    return `the registry refused an upload to '${repository}' (${answer})`;
  }
  if (error instanceof AuthError && /token service/.test(error.message)) {
    return `the token service refused push access to '${repository}' for ${adapter.credentialLabel} (denied): give it push access`;
  }
  return messageOf(error);
}

/** Our own errors are written for people; anything else is named without its details. */
export function messageOf(error: unknown): string {
  if (error instanceof StepFailure) return error.message;
  if (isOciError(error)) return error.message;
  return `unexpected failure (${error instanceof Error ? error.name : typeof error})`;
}
