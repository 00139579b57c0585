import "server-only";
import { parseChallenges, pickChallenge, type Challenge } from "@/lib/oci/auth/challenge";
import { isLoopback } from "@/lib/oci/auth/fetch-token";
import { Header } from "@/lib/oci/media-types";
import { headerOf } from "@/lib/oci/registry-client";
import { exchange, type Agent } from "@/lib/oci/transport/http-agent";
import type { RegistryConnection } from "../connection";
import { resolveAllowedAddresses, type GuardOptions } from "../endpoint-guard";
import type { RegistryAdapter } from "../registry-adapter";
import { StepFailure, type StepOutcome } from "./step";

/** What GET /v2/ without credentials told us. */
export interface Ping {
  status: number;
  /** The challenge Gantry will answer, if the registry asked for one. */
  challenge?: Challenge;
  /** Every scheme offered, for the message when none is one Gantry speaks. */
  schemes: string[];
}

const API_VERSION = "docker-distribution-api-version";

/** GET /v2/ without credentials, through lib/oci's transport: is this the V2 API of a registry? */
export async function probeRegistryApi(
  adapter: RegistryAdapter,
  agent: Agent,
  signal: AbortSignal,
): Promise<{ outcome: StepOutcome; ping: Ping }> {
  const url = new URL(`${adapter.insecure ? "http" : "https"}://${adapter.apiHost}/v2/`);
  const response = await exchange(agent, {
    method: "GET",
    url,
    headers: { "user-agent": "gantry", accept: "application/json" },
    signal,
  });
  const body = (await response.body.text().catch(() => "")).slice(0, 2000);
  const version = headerOf(response, API_VERSION);
  const where = `${url.protocol}//${url.host}/v2/`;
  const challenges = parseChallenges(headerOf(response, Header.wwwAuthenticate));
  const ping: Ping = {
    status: response.status,
    challenge: pickChallenge(challenges),
    schemes: challenges.map((c) => c.scheme),
  };
  const versionNote = version ? ` (${version})` : "";

  if (response.status === 200) {
    if (!version && !looksLikeJson(body)) {
      throw new StepFailure(
        `${where} answered 200, but not as a registry (no Docker-Distribution-API-Version header, no JSON): check the host and port`,
      );
    }
    return { outcome: { status: "passed", message: `${where} answered 200${versionNote}` }, ping };
  }
  if (response.status === 401) {
    if (challenges.length === 0)
      throw new StepFailure(
        `${where} answered 401 without a WWW-Authenticate challenge: this does not look like a registry`,
      );
    return {
      outcome: { status: "passed", message: `${where} answered 401 with an authentication challenge${versionNote}` },
      ping,
    };
  }
  if (response.status >= 300 && response.status < 400) {
    const location = headerOf(response, Header.location);
    const target = location ? new URL(location, url).host : "elsewhere";
    throw new StepFailure(
      `${where} redirects to ${target} (${response.status}): a registry answers /v2/ itself; if ${target} is the registry, use it as the endpoint`,
    );
  }
  if (response.status === 400 && /HTTP request to an HTTPS server/i.test(body)) {
    throw new StepFailure(`the server at ${adapter.apiHost} speaks HTTPS: clear "insecure" on the connection`);
  }
  if (response.status === 404)
    throw new StepFailure(`${where} answered 404: this is not the V2 API of a registry; check the host and port`);
  if (response.status >= 500)
    throw new StepFailure(
      `${where} answered ${response.status}: the registry is up but failing; try again later, or look at its logs`,
    );
  throw new StepFailure(
    `${where} answered ${response.status}: something in front of the registry (a proxy or firewall?) refuses this server`,
  );
}

/** Judges the challenge against the connection: a scheme Gantry speaks, a token service it may use. */
export async function probeChallenge(
  connection: RegistryConnection,
  adapter: RegistryAdapter,
  ping: Ping,
  guard: GuardOptions,
): Promise<StepOutcome> {
  const hasCredentials = connection.authKind !== "anonymous";
  if (ping.status === 200) {
    const note = hasCredentials ? "; the connection's credentials will not be needed to read" : "";
    return { status: "passed", message: `the registry asks for no authentication${note}` };
  }
  const { challenge } = ping;
  if (!challenge) {
    throw new StepFailure(
      `the registry asks for ${ping.schemes.join(", ")} authentication, which Gantry does not speak (it speaks HTTP Basic, or tokens from a token service)`,
    );
  }
  const staticToken = connection.authKind === "bearer" && !connection.username;
  if (challenge.scheme === "basic") {
    if (staticToken)
      throw new StepFailure(
        "the registry asks for a username and password (HTTP Basic), and the connection holds a ready-made token: give a username and password instead",
      );
    return {
      status: "passed",
      message: `username and password (HTTP Basic${challenge.params.realm ? `, realm "${challenge.params.realm}"` : ""})`,
    };
  }
  const realm = parseRealm(challenge.params.realm);
  if (realm.protocol === "http:" && !adapter.insecure && !isLoopback(realm.hostname)) {
    throw new StepFailure(
      `the registry sends clients to a token service over plain HTTP (${realm.host}): credentials would travel unencrypted; fix the registry's token realm`,
    );
  }
  try {
    await resolveAllowedAddresses(realm.hostname, guard);
  } catch (error) {
    throw new StepFailure(`the registry's token service ${realm.host} is refused: ${(error as Error).message}`);
  }
  const service = challenge.params.service ? ` (service "${challenge.params.service}")` : "";
  return { status: "passed", message: `tokens from the token service ${realm.origin}${realm.pathname}${service}` };
}

function parseRealm(realm: string | undefined): URL {
  try {
    const url = new URL(realm ?? "");
    if (url.protocol === "https:" || url.protocol === "http:") return url;
  } catch {
    // Reported below.
  }
  throw new StepFailure("the registry asks for a token, but names no usable token service (realm)");
}

function looksLikeJson(body: string): boolean {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}
