import { OciError, type OciErrorKind, type Side } from "@/lib/oci/errors";

/**
 * Errors of the provider layer. They extend lib/oci's OciError so that a failure inside an
 * Authenticator (ECR refused the access key) reaches the copy engine with its kind intact
 * instead of being rewrapped, and so that the promotion worker stores the right failure kind.
 */
export class RegistryConnectionError extends OciError {
  override name = "RegistryConnectionError";
}

/** The endpoint resolves to an address Gantry never connects to (link-local, cloud metadata...). */
export class EndpointRefusedError extends RegistryConnectionError {
  override name = "EndpointRefusedError";
  readonly host: string;
  constructor(message: string, options: { host: string; side?: Side }) {
    super(message, { kind: "denied", code: "ENDPOINT_REFUSED", side: options.side });
    this.host = options.host;
  }
}

/** The endpoint's name could not be resolved. */
export class EndpointUnresolvedError extends RegistryConnectionError {
  override name = "EndpointUnresolvedError";
  constructor(message: string, options: { code: string; cause?: unknown; side?: Side }) {
    super(message, { kind: "network", retryable: options.code === "EAI_AGAIN", ...options });
  }
}

/** A cloud control plane (ECR, STS, Google OAuth, Artifact Registry) refused or failed a call. */
export class ProviderApiError extends RegistryConnectionError {
  override name = "ProviderApiError";
  /** The service that answered, e.g. "AWS ECR". */
  readonly service: string;
  /** HTTP status of the answer, when there was one. */
  readonly status?: number;
  constructor(
    message: string,
    options: {
      service: string;
      kind: OciErrorKind;
      code?: string;
      status?: number;
      retryable?: boolean;
      cause?: unknown;
      side?: Side;
    },
  ) {
    super(message, options);
    this.service = options.service;
    this.status = options.status;
  }
}

/** The stored connection does not fit its provider (a setting is missing or malformed). */
export class ConnectionSettingsError extends RegistryConnectionError {
  override name = "ConnectionSettingsError";
  constructor(message: string) {
    super(message, { kind: "invalid", code: "CONNECTION_INVALID" });
  }
}
