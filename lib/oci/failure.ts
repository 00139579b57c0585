import { isOciError, type FailureKind, type Side } from "./errors";
import { oneLine } from "./redact";

export interface Failure {
  kind: FailureKind;
  side?: Side;
  /** One line a person can act on; never holds credentials. */
  message: string;
  retryable: boolean;
  code?: string;
}

/** What an image result says about an error: its kind (docs/architecture.md, Statuses), side, message, retry flag. */
export function failureOf(error: unknown): Failure {
  if (isOciError(error)) {
    return {
      // `invalid` input is a policy refusal as far as an image's result goes.
      kind: error.kind === "invalid" ? "denied" : error.kind,
      ...(error.side ? { side: error.side } : {}),
      message: oneLine(error.message, 500),
      retryable: error.retryable,
      ...(error.code ? { code: error.code } : {}),
    };
  }
  // A bug of ours or an unexpected runtime error: say so, scrubbed and short.
  const message = error instanceof Error ? error.message : String(error);
  return { kind: "network", message: `unexpected error: ${oneLine(message, 300)}`, retryable: false, code: "INTERNAL" };
}
