import { STATUS_CODES } from "node:http";
import { OciError, type FailureKind, type Side } from "./errors";
import { oneLine } from "./redact";

/** The error codes of the distribution spec (spec.md, "Error Codes"), plus Docker Hub's 429 code. */
export const DISTRIBUTION_ERROR_CODES = [
  "BLOB_UNKNOWN",
  "BLOB_UPLOAD_INVALID",
  "BLOB_UPLOAD_UNKNOWN",
  "DIGEST_INVALID",
  "MANIFEST_BLOB_UNKNOWN",
  "MANIFEST_INVALID",
  "MANIFEST_UNKNOWN",
  "NAME_INVALID",
  "NAME_UNKNOWN",
  "SIZE_INVALID",
  "UNAUTHORIZED",
  "DENIED",
  "UNSUPPORTED",
  "TOOMANYREQUESTS",
  "UNKNOWN",
  "UNAVAILABLE",
] as const;
export type DistributionErrorCode = (typeof DISTRIBUTION_ERROR_CODES)[number];

/** One entry of the distribution spec's error body: `{"errors":[{code,message,detail}]}`. */
export interface Diagnostic {
  /** Upper-cased; a registry's own code (outside the spec's list) is kept as sent. */
  code: DistributionErrorCode | (string & {});
  message: string;
  detail?: unknown;
}

export interface RegistryErrorInit {
  status: number;
  method: string;
  /** Where the request went, without its query (it may carry signed state). */
  where: string;
  side?: Side;
  registry: string;
  /** The raw error body as received (parsed here, never shown whole). */
  body?: string;
  /** A request that writes to the target: a 5xx there means it could not store the data. */
  write?: boolean;
  retryAfterMs?: number;
  /** Overrides the computed flag, e.g. a 401 on a streamed upload is worth one more try. */
  retryable?: boolean;
  /** The request went without credentials because none were configured. */
  anonymous?: boolean;
}

// go-containerregistry's pkg/v1/remote/transport/error.go: a retry helps only when every
// code is one of these, or, without codes, when the status is.
const TEMPORARY_CODES: ReadonlySet<string> = new Set<DistributionErrorCode>([
  "BLOB_UPLOAD_INVALID",
  "TOOMANYREQUESTS",
  "UNKNOWN",
  "UNAVAILABLE",
]);
const TEMPORARY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
// A full disk surfaces as a 500 UNKNOWN; retrying it only moves the bytes again.
const STORAGE_FULL = /quota|no space left|insufficient storage|disk full|storage limit/i;

/** The registry answered with an error status. */
export class RegistryError extends OciError {
  override name = "RegistryError";
  readonly status: number;
  readonly diagnostics: Diagnostic[];
  readonly retryAfterMs?: number;
  readonly registry: string;

  constructor(init: RegistryErrorInit) {
    const diagnostics = parseDiagnostics(init.body);
    const kind = kindOf(init, diagnostics);
    super(messageOf(init, diagnostics, kind), {
      kind,
      side: init.side,
      retryable: init.retryable ?? retryableOf(init.status, diagnostics, init.body),
      code: diagnostics[0]?.code,
    });
    this.status = init.status;
    this.diagnostics = diagnostics;
    this.retryAfterMs = init.retryAfterMs;
    this.registry = init.registry;
  }

  /** Whether the registry named this code in its error body. */
  has(code: DistributionErrorCode): boolean {
    return this.diagnostics.some((d) => d.code === code);
  }
}

export function isRegistryError(error: unknown): error is RegistryError {
  return error instanceof RegistryError;
}

/** The spec's error JSON, tolerant of anything else (HTML from a proxy, empty HEAD bodies). */
export function parseDiagnostics(body: string | undefined): Diagnostic[] {
  if (!body) return [];
  try {
    const parsed = JSON.parse(body) as { errors?: unknown; details?: unknown };
    const list = Array.isArray(parsed.errors) ? parsed.errors : [];
    return list
      .filter((e): e is Record<string, unknown> => typeof e === "object" && e !== null)
      .map((e) => ({
        code: typeof e.code === "string" ? e.code.toUpperCase() : "UNKNOWN",
        message: typeof e.message === "string" ? e.message : "",
        ...(e.detail === undefined ? {} : { detail: e.detail }),
      }));
  } catch {
    return [];
  }
}

function retryableOf(status: number, diagnostics: Diagnostic[], body: string | undefined): boolean {
  if (status === 507 || STORAGE_FULL.test(body ?? "")) return false;
  if (status === 429) return true;
  if (diagnostics.length === 0) return TEMPORARY_STATUSES.has(status);
  return diagnostics.every((d) => TEMPORARY_CODES.has(d.code));
}

function kindOf(init: RegistryErrorInit, diagnostics: Diagnostic[]): FailureKind {
  const codes: ReadonlySet<string> = new Set(diagnostics.map((d) => d.code));
  const has = (code: DistributionErrorCode) => codes.has(code);
  const { status } = init;
  if (status === 401) return "auth";
  if (status === 404) return "not_found";
  if (status === 413) return "too_large";
  if (status === 429) return "network";
  if (has("DIGEST_INVALID") || has("SIZE_INVALID")) return "digest_mismatch";
  if (status === 507 || STORAGE_FULL.test(init.body ?? "")) return "storage";
  if (status >= 500) return init.write && init.side === "target" ? "storage" : "network";
  if (status === 408) return "network";
  return "denied";
}

function messageOf(init: RegistryErrorInit, diagnostics: Diagnostic[], kind: FailureKind): string {
  const who = `${init.side ?? "registry"} ${init.registry}`;
  const detail = diagnostics.length
    ? diagnostics.map((d) => (d.message ? `${d.code}: ${d.message}` : d.code)).join("; ")
    : init.body?.trim() || STATUS_CODES[init.status] || "";
  const answer = `${init.status} ${oneLine(detail, 200)}`.trim();
  const on = `${init.method} ${init.where}`;
  switch (kind) {
    case "auth":
      if (init.anonymous) return `${who} requires credentials (${answer}) on ${on}, and none were given for it`;
      return `${who} refused the credentials (${answer}) on ${on}: check the ${init.side ?? "registry"} credentials and their access to this repository`;
    case "not_found":
      return `${who} has no such ${whatOf(init.where)} (${answer}) on ${on}`;
    case "denied":
      return `${who} denied the request (${answer}) on ${on}`;
    case "too_large":
      return `${who} refused the size of the request (${answer}) on ${on}`;
    case "storage":
      return `${who} could not store the data (${answer}) on ${on}`;
    case "digest_mismatch":
      return `${who} found content that does not match its digest (${answer}) on ${on}`;
    case "network":
      return status429(init) ?? `${who} is unavailable (${answer}) on ${on}; retrying later may help`;
  }
}

function status429(init: RegistryErrorInit): string | undefined {
  if (init.status !== 429) return undefined;
  return `${init.side ?? "registry"} ${init.registry} is rate limiting requests (429) on ${init.method} ${init.where}; try again later`;
}

function whatOf(where: string): string {
  if (where.includes("/manifests/")) return "manifest";
  if (where.includes("/blobs/uploads")) return "upload session";
  if (where.includes("/blobs/")) return "blob";
  return "repository";
}
