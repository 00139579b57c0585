import { isAbortError } from "@/lib/oci/errors";
import { oneLine, redact } from "@/lib/oci/redact";
import { ProviderApiError } from "../errors";

type AwsService = "AWS ECR" | "AWS STS";

const REFUSED_CREDENTIALS = new Set([
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "MissingAuthenticationToken",
  "ExpiredToken",
  "ExpiredTokenException",
]);
const DENIED = new Set(["AccessDenied", "AccessDeniedException", "RegionDisabledException"]);
const THROTTLED = new Set(["ThrottlingException", "Throttling", "TooManyRequestsException", "LimitExceededException"]);

export interface AwsCallContext {
  service: AwsService;
  action: string;
  /** Who called, for the message: "access key AKIA…". */
  who: string;
  secrets: string[];
}

/**
 * An AWS SDK failure as a ProviderApiError whose message says what to do. AWS messages are
 * kept (they name the principal and the missing permission) after scrubbing secrets.
 */
export function toAwsError(error: unknown, context: AwsCallContext): unknown {
  // An STS refusal inside the credential provider surfaces from the ECR call: keep it as it is.
  if (isAbortError(error) || !(error instanceof Error) || error instanceof ProviderApiError) return error;
  const name = error.name;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const detail = oneLine(redact(error.message, context.secrets), 300);
  const base = { service: context.service, code: name, status, cause: error };
  const said = `(${name}: ${detail})`;
  if (name === "CredentialsProviderError") {
    return new ProviderApiError(
      `${context.service} ${context.action}: found no AWS credentials in the default chain (environment, shared config, web identity, container or instance role) ${said}; give an access key, or give this server an AWS identity`,
      { ...base, kind: "auth" },
    );
  }
  if (REFUSED_CREDENTIALS.has(name)) {
    return new ProviderApiError(
      `${context.service} ${context.action}: AWS refused ${context.who} ${said}; check the access key id and secret access key`,
      {
        ...base,
        kind: "auth",
      },
    );
  }
  if (DENIED.has(name)) {
    return new ProviderApiError(
      `${context.service} ${context.action}: ${context.who} is not allowed to do this ${said}; grant it in IAM`,
      { ...base, kind: "denied" },
    );
  }
  if (name === "RepositoryNotFoundException")
    return new ProviderApiError(`${context.service} ${context.action}: ${detail}`, { ...base, kind: "not_found" });
  if (THROTTLED.has(name))
    return new ProviderApiError(
      `${context.service} ${context.action}: AWS is throttling requests ${said}; try again later`,
      { ...base, kind: "network", retryable: true },
    );
  if (status === undefined || status >= 500) {
    return new ProviderApiError(
      `${context.service} ${context.action}: could not reach AWS or AWS failed ${said}; try again later`,
      { ...base, kind: "network", retryable: true },
    );
  }
  return new ProviderApiError(`${context.service} ${context.action}: AWS refused the request ${said}`, {
    ...base,
    kind: status === 400 ? "invalid" : "denied",
  });
}
