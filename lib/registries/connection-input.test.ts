import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RegistryAuthKind, RegistryProvider } from "@/lib/db/generated/enums";
import { registryAuthKinds, registryProviders } from "./connection";
import { toConnectionFields } from "./connection-fields";
import { connectionEditSchema, connectionInputSchema } from "./connection-input";
import { fieldsFor } from "./form-fields";
import { providerCatalogue } from "./providers";

const PRIVATE_KEY = generateKeyPairSync("rsa", { modulusLength: 1024 })
  .privateKey.export({ type: "pkcs8", format: "pem" })
  .toString();
const KEY = JSON.stringify({
  type: "service_account",
  project_id: "vendor-prod",
  private_key_id: "abc",
  private_key: PRIVATE_KEY,
  client_email: "copier@vendor-prod.iam.gserviceaccount.com",
});
const AWS_KEYS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };

/** Field → message, as the action client shows them ("endpoint: expected …"). */
function problems(body: unknown, schema = connectionInputSchema): Record<string, string> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return {};
  return Object.fromEntries(parsed.error.issues.map((issue) => [issue.path.join("."), issue.message]));
}

function fields(body: unknown) {
  return toConnectionFields(connectionInputSchema.parse(body));
}

describe("connection input", () => {
  it("mirrors the Prisma enums", () => {
    expect([...registryProviders].sort()).toEqual(Object.values(RegistryProvider).sort());
    expect([...registryAuthKinds].sort()).toEqual(Object.values(RegistryAuthKind).sort());
    expect(Object.keys(providerCatalogue).sort()).toEqual([...registryProviders].sort());
  });

  it("takes the generic body of the issue, and names what is wrong", () => {
    expect(
      fields({
        name: "lab",
        provider: "generic",
        endpoint: "10.0.0.5:5000",
        insecure: true,
        auth: { kind: "basic", username: "ci", password: "s3cret" },
      }),
    ).toEqual({
      name: "lab",
      provider: "generic",
      endpoint: "10.0.0.5:5000",
      namespace: null,
      authKind: "basic",
      username: "ci",
      secret: "s3cret",
      settings: {},
      insecure: true,
      bandwidthLimitMbps: null,
      caPem: null,
    });
    expect(
      problems({ name: "", provider: "generic", endpoint: "https://registry.example.com", auth: { kind: "token" } }),
    ).toEqual({
      name: "expected a name",
      endpoint:
        'expected host[:port] of the registry, e.g. registry.example.com or 10.0.0.5:5000, without http:// or https:// (tick "insecure" for plain HTTP)',
      "auth.kind": "expected anonymous, basic or bearer",
    });
    expect(
      problems({ name: "x", provider: "generic", endpoint: "registry:99999", auth: { kind: "basic", username: "u" } }),
    ).toEqual({
      endpoint: "expected host[:port] of the registry, e.g. registry.example.com or 10.0.0.5:5000",
      "auth.password": "expected a password or access token",
    });
    expect(problems({ name: "x", provider: "nexus" })).toEqual({
      provider: "expected one of ecr, artifact_registry, gcr, acr, dockerhub, quay, ghcr, generic",
    });
    expect(
      problems({
        name: "x",
        provider: "generic",
        endpoint: "r.example.com",
        namespace: "Team/",
        caPem: "not a pem",
        auth: { kind: "anonymous" },
      }),
    ).toEqual({
      namespace: "expected a repository path prefix like team or team/mirror (lowercase)",
      caPem: "expected one or more PEM certificates (-----BEGIN CERTIFICATE-----…)",
    });
  });

  it("keeps a Bearer token with or without a username", () => {
    expect(
      fields({
        name: "h",
        provider: "generic",
        endpoint: "harbor.example.com",
        auth: { kind: "bearer", password: "tok" },
      }),
    ).toMatchObject({ authKind: "bearer", username: null, secret: "tok" });
    expect(
      fields({
        name: "h",
        provider: "generic",
        endpoint: "harbor.example.com",
        auth: { kind: "bearer", username: "robot$ci", password: "pw" },
      }),
    ).toMatchObject({ authKind: "bearer", username: "robot$ci" });
    // The form's optional Username left empty is no username, not "expected a username".
    expect(
      fields({
        name: "h",
        provider: "generic",
        endpoint: "harbor.example.com",
        auth: { kind: "bearer", username: "", password: "tok" },
      }),
    ).toMatchObject({ authKind: "bearer", username: null, secret: "tok" });
  });

  it("validates an ECR host, its region and the AWS credentials", () => {
    const good = {
      name: "prod",
      provider: "ecr",
      endpoint: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      auth: { kind: "aws", ...AWS_KEYS, roleArn: "arn:aws:iam::123456789012:role/gantry", externalId: "ext-1" },
      settings: { scanOnPush: true },
    };
    expect(fields(good)).toEqual({
      name: "prod",
      provider: "ecr",
      endpoint: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      namespace: null,
      authKind: "aws",
      username: AWS_KEYS.accessKeyId,
      secret: AWS_KEYS.secretAccessKey,
      settings: {
        region: "eu-west-1",
        accountId: "123456789012",
        useDefaultChain: false,
        roleArn: "arn:aws:iam::123456789012:role/gantry",
        externalId: "ext-1",
        tagImmutability: false,
        scanOnPush: true,
      },
      insecure: false,
      bandwidthLimitMbps: null,
      caPem: null,
    });
    expect(fields({ ...good, auth: { kind: "aws", source: "default_chain" } })).toMatchObject({
      username: null,
      secret: null,
      settings: { useDefaultChain: true },
    });
    expect(fields({ ...good, endpoint: "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn" }).settings).toMatchObject({
      region: "cn-north-1",
    });

    expect(problems({ ...good, endpoint: "12345.dkr.ecr.eu-west-1.amazonaws.com" })).toEqual({
      endpoint: "expected <12 digits>.dkr.ecr.<region>.amazonaws.com",
    });
    expect(problems({ ...good, endpoint: "123456789012.dkr.ecr.eu-middle-9.amazonaws.com" })).toEqual({
      endpoint:
        'expected a known AWS region in <12 digits>.dkr.ecr.<region>.amazonaws.com; "eu-middle-9" is not one (e.g. us-east-1, eu-west-1)',
    });
    expect(problems({ ...good, endpoint: "123456789012.dkr.ecr.cn-north-1.amazonaws.com" })).toEqual({
      endpoint: "expected <12 digits>.dkr.ecr.cn-north-1.amazonaws.com.cn: that is where cn-north-1 lives",
    });
    expect(
      problems({ ...good, insecure: true, auth: { kind: "aws", accessKeyId: "ASIA123", roleArn: "role/x" } }),
    ).toEqual({
      insecure: "expected false: AWS ECR is only reached over HTTPS",
      "auth.accessKeyId": "expected an access key id: AKIA and 16 more capital letters or digits",
      "auth.roleArn": "expected a role ARN like arn:aws:iam::<12 digits>:role/<name>",
      "auth.secretAccessKey": "expected the secret access key",
    });
    expect(problems({ ...good, auth: { kind: "aws", accessKeyId: AWS_KEYS.accessKeyId } })).toEqual({
      "auth.secretAccessKey": "expected the secret access key",
    });
    expect(problems({ ...good, auth: { kind: "aws", source: "default_chain", externalId: "ext-1" } })).toEqual({
      "auth.externalId": "expected a role ARN too: an external id only applies when assuming a role",
    });
  });

  it("splits an Artifact Registry path into host and namespace, and checks the key's shape", () => {
    const good = {
      name: "ar",
      provider: "artifact_registry",
      endpoint: "europe-west1-docker.pkg.dev/vendor-prod/releases",
      auth: { kind: "gcp_service_account", serviceAccountKey: KEY },
    };
    expect(fields(good)).toEqual({
      name: "ar",
      provider: "artifact_registry",
      endpoint: "europe-west1-docker.pkg.dev",
      namespace: "vendor-prod/releases",
      authKind: "gcp_service_account",
      username: "copier@vendor-prod.iam.gserviceaccount.com",
      secret: KEY,
      settings: { location: "europe-west1", project: "vendor-prod", repository: "releases" },
      insecure: false,
      bandwidthLimitMbps: null,
      caPem: null,
    });
    const endpointProblem = (endpoint: string) => problems({ ...good, endpoint }).endpoint;
    expect(endpointProblem("europe-west1-docker.pkg.dev/vendor-prod")).toBe(
      "expected <region>-docker.pkg.dev/<project>/<repository>",
    );
    expect(endpointProblem("mars-north1-docker.pkg.dev/vendor-prod/releases")).toBe(
      'expected a known Artifact Registry location in <region>-docker.pkg.dev/…; "mars-north1" is not one (e.g. us, europe, us-central1)',
    );
    expect(endpointProblem("us-docker.pkg.dev/Vendor/releases")).toBeUndefined(); // lowercased
    expect(endpointProblem("us-docker.pkg.dev/ab/releases")).toMatch(
      /^expected a project id in <region>-docker\.pkg\.dev\/<project>\/…/,
    );

    const keyProblem = (key: unknown) =>
      problems({
        ...good,
        auth: { kind: "gcp_service_account", serviceAccountKey: typeof key === "string" ? key : JSON.stringify(key) },
      })["auth.serviceAccountKey"];
    const parsedKey = JSON.parse(KEY) as Record<string, unknown>;
    expect(keyProblem("{not json")).toBe("expected the service account's JSON key file; this is not JSON");
    expect(keyProblem({ ...parsedKey, type: "authorized_user" })).toBe(
      'expected "type": "service_account" in the key file (found "authorized_user")',
    );
    expect(keyProblem({ ...parsedKey, client_email: undefined })).toBe(
      'expected "client_email": the service account\'s address, like name@project.iam.gserviceaccount.com',
    );
    expect(keyProblem({ ...parsedKey, private_key: "MIIEvQ…" })).toBe(
      'expected "private_key": a PEM private key (-----BEGIN PRIVATE KEY-----…)',
    );
    expect(keyProblem({ ...parsedKey, project_id: "" })).toBe(
      'expected "project_id": the project the service account belongs to',
    );
    expect(
      JSON.stringify(
        problems({
          ...good,
          auth: { kind: "gcp_service_account", serviceAccountKey: KEY.replace("service_account", "x") },
        }),
      ),
    ).not.toContain("PRIVATE KEY-----\\n");
  });

  it("reads a GCR project from the path or from the key", () => {
    const body = {
      name: "gcr",
      provider: "gcr",
      endpoint: "eu.gcr.io",
      auth: { kind: "gcp_service_account", serviceAccountKey: KEY },
    };
    expect(fields(body)).toMatchObject({
      endpoint: "eu.gcr.io",
      namespace: "vendor-prod",
      settings: { project: "vendor-prod" },
    });
    expect(fields({ ...body, endpoint: "gcr.io/other-project" })).toMatchObject({
      endpoint: "gcr.io",
      namespace: "other-project",
    });
    expect(problems({ ...body, endpoint: "xx.gcr.io" })).toEqual({
      endpoint: "expected one of gcr.io, us.gcr.io, eu.gcr.io, asia.gcr.io, optionally followed by /<project>",
    });
  });

  it("takes an optional upload bandwidth cap in Mbit/s for every provider, as text from the form or a number", () => {
    const hub = { name: "hub", provider: "dockerhub", auth: { kind: "anonymous" } };
    expect(fields({ ...hub, bandwidthLimitMbps: 80 })).toMatchObject({ bandwidthLimitMbps: 80 });
    expect(fields({ ...hub, bandwidthLimitMbps: " 200 " })).toMatchObject({ bandwidthLimitMbps: 200 });
    for (const none of [undefined, null, ""])
      expect(fields({ ...hub, bandwidthLimitMbps: none })).toMatchObject({ bandwidthLimitMbps: null });
    const expected = "expected a whole number of Mbit/s from 1 to 100000, or nothing for no cap";
    for (const bad of [0, 2.5, "2.5", "fast", -1, 100_001, true])
      expect(problems({ ...hub, bandwidthLimitMbps: bad })).toEqual({ bandwidthLimitMbps: expected });
    for (const provider of registryProviders)
      expect(fieldsFor(provider).map((field) => field.name)).toContain("bandwidthLimitMbps");
  });

  it("checks ACR, Docker Hub, Quay and GHCR bodies", () => {
    const acr = {
      name: "az",
      provider: "acr",
      endpoint: "myregistry.azurecr.io",
      auth: { kind: "basic", username: "0b7c3f0e-5d1a-4c9b-9a61-0e8e2f1f2a3b", password: "pw" },
    };
    expect(fields(acr)).toMatchObject({ authKind: "basic", settings: { credentialType: "service_principal" } });
    expect(problems({ ...acr, auth: { ...acr.auth, username: "admin" } })).toEqual({
      "auth.username": "expected the service principal's application (client) id, a GUID",
    });
    expect(
      problems({ ...acr, auth: { ...acr.auth, username: "admin" }, settings: { credentialType: "admin_user" } }),
    ).toEqual({});
    expect(problems({ ...acr, endpoint: "myregistry.azure.io" })).toEqual({
      endpoint: "expected <registry name>.azurecr.io (5–50 letters or digits)",
    });

    expect(fields({ name: "hub", provider: "dockerhub", auth: { kind: "anonymous" } })).toMatchObject({
      endpoint: "docker.io",
      authKind: "anonymous",
      secret: null,
    });
    expect(
      fields({
        name: "hub",
        provider: "dockerhub",
        endpoint: "index.docker.io",
        auth: { kind: "basic", username: "acme", password: "dckr_pat_x" },
      }),
    ).toMatchObject({ endpoint: "docker.io" });
    expect(
      problems({ name: "hub", provider: "dockerhub", endpoint: "hub.example.com", auth: { kind: "anonymous" } }),
    ).toEqual({ endpoint: "expected docker.io" });

    expect(
      fields({ name: "q", provider: "quay", auth: { kind: "basic", username: "vendor+deployer", password: "tok" } }),
    ).toMatchObject({ endpoint: "quay.io", username: "vendor+deployer" });
    expect(
      problems({ name: "q", provider: "quay", auth: { kind: "basic", username: "alice", password: "tok" } }),
    ).toEqual({ "auth.username": "expected a robot account like myorg+deployer" });

    expect(
      fields({ name: "gh", provider: "ghcr", auth: { kind: "basic", username: "octocat", password: "ghp_x" } }),
    ).toMatchObject({ endpoint: "ghcr.io" });
    expect(problems({ name: "gh", provider: "ghcr", auth: { kind: "basic", username: "octocat" } })).toEqual({
      "auth.password": "expected a personal access token",
    });
  });

  it("keeps stored secrets on edit when they are left out", () => {
    const edit = connectionEditSchema.parse({
      name: "ar",
      provider: "artifact_registry",
      endpoint: "us-docker.pkg.dev/vendor-prod/releases",
      auth: { kind: "gcp_service_account" },
    });
    expect(toConnectionFields(edit)).toMatchObject({
      secret: undefined,
      username: undefined,
      namespace: "vendor-prod/releases",
    });
    const basic = connectionEditSchema.parse({
      name: "g",
      provider: "generic",
      endpoint: "r.example.com",
      auth: { kind: "basic", username: "ci" },
    });
    expect(toConnectionFields(basic)).toMatchObject({ secret: undefined, username: "ci" });
    expect(
      problems(
        { name: "g", provider: "gcr", endpoint: "gcr.io", auth: { kind: "gcp_service_account" } },
        connectionEditSchema,
      ),
    ).toEqual({
      endpoint: "expected <host>/<project>: without a new key, the project cannot be read from it",
    });
    expect(
      problems({ name: "g", provider: "generic", endpoint: "r.example.com", auth: { kind: "basic", username: "ci" } }),
    ).toEqual({ "auth.password": "expected a password or access token" });
  });

  it("describes a form for every provider whose fields the schema knows", () => {
    for (const provider of registryProviders) {
      const names = fieldsFor(provider).map((f) => f.name);
      expect(names[0]).toBe("name");
      expect(new Set(names).size).toBe(names.length);
      for (const field of fieldsFor(provider)) {
        expect(field.label.length).toBeGreaterThan(0);
        if (field.kind === "select") expect(field.options?.length).toBeGreaterThan(0);
        if (field.kind === "password") expect(field.secret).toBe(true);
        if (field.visibleWhen) expect(names).toContain(field.visibleWhen.field);
      }
    }
    expect(fieldsFor("artifact_registry").find((f) => f.name === "auth.serviceAccountKey")).toMatchObject({
      kind: "textarea",
      secret: true,
      required: true,
    });
  });
});
