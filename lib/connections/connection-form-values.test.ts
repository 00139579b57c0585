import { describe, expect, it } from "vitest";
import { connectionEditSchema, connectionInputSchema } from "@/lib/registries/connection-input";
import { toConnectionFields } from "@/lib/registries/connection-fields";
import { createServiceAccountKey } from "@/test/fixtures/gcp-service-account";
import { bodyOf, defaultFormValues, formValuesOf } from "./connection-form-values";
import type { ConnectionView } from "./connection-view";

const key = createServiceAccountKey({ projectId: "gantry-test" }).json;
const bodies: Record<string, unknown>[] = [
  {
    name: "g",
    provider: "generic",
    endpoint: "10.0.0.5:5000",
    namespace: "team",
    insecure: true,
    auth: { kind: "bearer", username: "ci", password: "pw" },
  },
  {
    name: "e",
    provider: "ecr",
    endpoint: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
    auth: {
      kind: "aws",
      accessKeyId: "AKIAABCDEFGHIJKLMNOP",
      secretAccessKey: "a".repeat(40),
      roleArn: "arn:aws:iam::123456789012:role/gantry",
      externalId: "ext-1",
    },
    settings: { scanOnPush: true },
  },
  {
    name: "c",
    provider: "ecr",
    endpoint: "123456789012.dkr.ecr.us-east-1.amazonaws.com",
    auth: { kind: "aws", source: "default_chain" },
  },
  {
    name: "a",
    provider: "artifact_registry",
    endpoint: "us-docker.pkg.dev/gantry-test/releases",
    auth: { kind: "gcp_service_account", serviceAccountKey: key },
  },
  {
    name: "r",
    provider: "gcr",
    endpoint: "gcr.io/gantry-test",
    auth: { kind: "gcp_service_account", serviceAccountKey: key },
  },
  {
    name: "z",
    provider: "acr",
    endpoint: "myregistry.azurecr.io",
    settings: { credentialType: "admin_user" },
    auth: { kind: "basic", username: "myregistry", password: "pw" },
  },
  { name: "d", provider: "dockerhub", auth: { kind: "basic", username: "me", password: "pw" } },
  {
    name: "q",
    provider: "quay",
    endpoint: "quay.io",
    auth: { kind: "basic", username: "org+bot", password: "pw" },
    bandwidthLimitMbps: 80,
  },
  { name: "h", provider: "ghcr", auth: { kind: "anonymous" } },
];

function viewOf(fields: ReturnType<typeof toConnectionFields>): ConnectionView {
  return {
    ...fields,
    id: "id",
    providerLabel: "",
    username: fields.username ?? null,
    hasSecret: Boolean(fields.secret),
    approvalsRequired: 0,
    sizeLimitBytes: null,
    lastCheck: null,
    lastUse: null,
    tokenExpiresAt: null,
    usedBy: { channels: 0, promotions: 0 },
    createdAt: "",
    updatedAt: "",
  };
}

describe("connection form values", () => {
  it.each(bodies.map((body) => [body.provider, body] as const))(
    "turn a stored %s connection into an edit that keeps everything",
    (_provider, body) => {
      const stored = toConnectionFields(connectionInputSchema.parse(body));
      const values = formValuesOf(viewOf(stored));
      const edit = connectionEditSchema.parse(bodyOf(stored.provider, values, { editing: true }));
      const again = toConnectionFields(edit);
      // A stored secret is kept (undefined); a connection without one still has none (null).
      expect(again.secret).toBe(stored.secret === null ? null : undefined);
      const { secret: _s1, username: u1, ...rest1 } = again;
      const { secret: _s2, username: u2, ...rest2 } = stored;
      expect(rest1).toEqual(rest2);
      expect(u1 === undefined || u1 === u2).toBe(true);
    },
  );

  it("leave out hidden fields and empty optional ones, and keep an empty required one for its message", () => {
    const values = {
      ...defaultFormValues("generic"),
      name: "x",
      endpoint: "",
      "auth.kind": "anonymous",
      "auth.password": "typed then hidden",
    };
    expect(bodyOf("generic", values, { editing: false })).toEqual({
      provider: "generic",
      name: "x",
      endpoint: "",
      auth: { kind: "anonymous" },
      insecure: false,
    });
    const parsed = connectionInputSchema.safeParse(bodyOf("generic", values, { editing: false }));
    expect(parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join("."))).toEqual(["endpoint"]);
  });
});
