import "server-only";
import type { LookupAddress } from "node:dns";
import { rootCertificates } from "node:tls";
import { Agent } from "undici";
import { isOciError } from "@/lib/oci/errors";
import { redact } from "@/lib/oci/redact";
import { RegistryClient } from "@/lib/oci/registry-client";
import {
  messageOf,
  probeCreate,
  probeCredential,
  probeList,
  probePush,
  type AccessProbe,
} from "./connection-check/access-probes";
import { probeTcp, probeTls } from "./connection-check/network-probes";
import { probeChallenge, probeRegistryApi, type Ping } from "./connection-check/registry-api-probes";
import {
  checkStepLabels,
  StepFailure,
  type CheckStep,
  type CheckStepId,
  type StepOutcome,
} from "./connection-check/step";
import type { RegistryConnection } from "./connection";
import { parseEndpoint, type Endpoint } from "./endpoint";
import { guardedLookup, registryAddressPolicy, resolveAllowedAddresses } from "./endpoint-guard";
import { createRegistryAdapter, registryClientOptions, type OpenRegistryOptions } from "./open-registry";
import type { RegistryAdapter } from "./registry-adapter";

export interface TestConnectionOptions extends OpenRegistryOptions {
  /** A target is also checked for creating repositories and pushing. */
  purpose: "source" | "target";
  signal?: AbortSignal;
  /** Time limit of each step (default 20 s; creating a repository gets three times as long). */
  stepTimeoutMs?: number;
}

export interface ConnectionCheckResult {
  ok: boolean;
  /** ISO time the check started. */
  checkedAt: string;
  steps: CheckStep[];
  /** ISO expiry of the short-lived registry token (ECR, Google), when there is one. */
  tokenExpiresAt?: string;
  /** What the list step found (at most 1000). */
  repositories?: string[];
}

const DEFAULT_STEP_TIMEOUT_MS = 20_000;

/**
 * Checks a connection step by step — DNS, TCP, TLS, the V2 API, its auth challenge, the
 * credential, listing, creating repositories, pushing — through the same lib/oci client a
 * copy uses, and stops at the first failure. Creating comes before pushing because ECR
 * refuses uploads to a repository that does not exist yet. Every message is scrubbed of
 * the connection's secrets.
 */
export async function testConnection(
  connection: RegistryConnection,
  options: TestConnectionOptions,
): Promise<ConnectionCheckResult> {
  const checkedAt = new Date((options.now ?? Date.now)()).toISOString();
  const guard = options.guard ?? {};
  const runner = new StepRunner(options.signal, options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS);
  let adapter: RegistryAdapter | undefined;
  let endpoint: Endpoint | undefined;
  let addresses: LookupAddress[] = [];
  let address = "";
  let agent: Agent | undefined;
  let client: RegistryClient | undefined;
  let ping: Ping | undefined;
  let repositories: string[] | undefined;
  const access = (signal: AbortSignal): AccessProbe => ({
    connection,
    adapter: adapter!,
    client: client!,
    ping: ping!,
    signal,
  });
  const readOnly = options.purpose === "source" ? "source connections are only read from" : undefined;

  try {
    await runner.run("dns", async () => {
      adapter = createRegistryAdapter(connection, options);
      endpoint = parseEndpoint(adapter.apiHost, { insecure: adapter.insecure });
      addresses = await resolveAllowedAddresses(endpoint.hostname, guard);
      if (addresses.length === 1 && addresses[0]!.address === endpoint.hostname)
        return passed(`${endpoint.hostname} is an IP address: nothing to resolve`);
      return passed(`${endpoint.hostname} resolves to ${addresses.map((a) => a.address).join(", ")}`);
    });
    await runner.run("tcp", async (signal) => {
      const probe = await probeTcp(endpoint!, addresses, signal);
      address = probe.address;
      return probe.outcome;
    });
    await runner.run("tls", async (signal) =>
      adapter!.insecure
        ? skipped("the connection is marked insecure: plain HTTP, no TLS")
        : probeTls(endpoint!, address, adapter!.caPem, signal),
    );
    await runner.run("registry", async (signal) => {
      agent = probeAgent(adapter!.caPem, guard);
      const probe = await probeRegistryApi(adapter!, agent, signal);
      ping = probe.ping;
      return probe.outcome;
    });
    await runner.run("challenge", () => probeChallenge(connection, adapter!, ping!, guard));
    await runner.run("credential", (signal) => {
      client = new RegistryClient(
        registryClientOptions(adapter!, {
          side: options.purpose,
          addressPolicy: registryAddressPolicy(guard),
          timeouts: { connectMs: 10_000, headersMs: 20_000, bodyIdleMs: 20_000 },
          retry: { attempts: 2, maxDelayMs: 1_000, maxRetryAfterMs: 2_000 },
        }),
      );
      return probeCredential(access(signal));
    });
    await runner.run("list", async (signal) => {
      const probe = await probeList(access(signal));
      repositories = probe.repositories;
      return probe.outcome;
    });
    await runner.run(
      "create",
      (signal) => (readOnly ? Promise.resolve(skipped(readOnly)) : probeCreate(access(signal))),
      3,
    );
    await runner.run("push", (signal) => (readOnly ? Promise.resolve(skipped(readOnly)) : probePush(access(signal))));
  } finally {
    await client?.close().catch(() => undefined);
    await agent?.close().catch(() => undefined);
    await adapter?.close().catch(() => undefined);
  }

  const secrets = [...(adapter?.secrets() ?? []), ...secretForms(connection)];
  const steps = runner.steps.map((step) => ({ ...step, message: redact(step.message, secrets) }));
  const expiry = adapter?.tokenExpiresAt?.();
  return {
    ok: steps.every((step) => step.status !== "failed"),
    checkedAt,
    steps,
    ...(expiry ? { tokenExpiresAt: expiry.toISOString() } : {}),
    ...(repositories ? { repositories } : {}),
  };
}

/** Runs steps in order; after a failure or a cancel the rest are recorded as skipped. */
class StepRunner {
  readonly steps: CheckStep[] = [];
  private stopped?: string;

  constructor(
    private readonly signal: AbortSignal | undefined,
    private readonly timeoutMs: number,
  ) {}

  async run(id: CheckStepId, probe: (signal: AbortSignal) => Promise<StepOutcome>, timeoutFactor = 1): Promise<void> {
    if (!this.stopped && this.signal?.aborted) this.stopped = "not run: the check was cancelled";
    if (this.stopped) return this.record(id, "skipped", this.stopped, 0);
    const started = Date.now();
    const timeout = AbortSignal.timeout(this.timeoutMs * timeoutFactor);
    const signal = this.signal ? AbortSignal.any([this.signal, timeout]) : timeout;
    try {
      const outcome = await probe(signal);
      this.record(id, outcome.status, outcome.message, Date.now() - started);
    } catch (error) {
      const explained = error instanceof StepFailure || isOciError(error);
      const message = explained
        ? messageOf(error)
        : this.signal?.aborted
          ? "cancelled"
          : timeout.aborted
            ? `no answer within ${formatDuration(this.timeoutMs * timeoutFactor)}`
            : messageOf(error);
      this.record(id, "failed", message, Date.now() - started);
      this.stopped = this.signal?.aborted
        ? "not run: the check was cancelled"
        : `not run: the ${checkStepLabels[id]} step failed`;
    }
  }

  private record(id: CheckStepId, status: CheckStep["status"], message: string, durationMs: number): void {
    this.steps.push({ id, label: checkStepLabels[id], status, message, durationMs });
  }
}

/** Trusts the connection's CA and refuses forbidden addresses at connect time. */
function probeAgent(caPem: string | undefined, guard: OpenRegistryOptions["guard"]): Agent {
  return new Agent({
    headersTimeout: 20_000,
    bodyTimeout: 20_000,
    connect: { timeout: 10_000, lookup: guardedLookup(guard), ...(caPem ? { ca: [...rootCertificates, caPem] } : {}) },
  });
}

/** The secret as stored and as it travels in a Basic header. */
function secretForms(connection: RegistryConnection): string[] {
  if (!connection.secret) return [];
  const forms = [connection.secret];
  if (connection.username) forms.push(Buffer.from(`${connection.username}:${connection.secret}`).toString("base64"));
  return forms;
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function passed(message: string): StepOutcome {
  return { status: "passed", message };
}

function skipped(message: string): StepOutcome {
  return { status: "skipped", message };
}

export type { CheckStep, CheckStepId } from "./connection-check/step";
