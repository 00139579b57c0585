/** The steps of a connection check, in the order they run. */
export const checkStepIds = [
  "dns",
  "tcp",
  "tls",
  "registry",
  "challenge",
  "credential",
  "list",
  "create",
  "push",
] as const;
export type CheckStepId = (typeof checkStepIds)[number];

export const checkStepLabels: Record<CheckStepId, string> = {
  dns: "DNS",
  tcp: "TCP",
  tls: "TLS",
  registry: "Registry API",
  challenge: "Authentication challenge",
  credential: "Credential",
  list: "List repositories",
  create: "Create repositories",
  push: "Push",
};

export type StepStatus = "passed" | "failed" | "skipped";

export interface CheckStep {
  id: CheckStepId;
  label: string;
  status: StepStatus;
  /** One sentence a person can act on; never carries a secret. */
  message: string;
  durationMs: number;
}

export interface StepOutcome {
  status: "passed" | "skipped";
  message: string;
}

/** A step failed with a message already written for people. */
export class StepFailure extends Error {
  override name = "StepFailure";
}
