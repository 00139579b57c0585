import { z } from "zod";
import { awsDnsSuffix, gcrHosts, isArtifactRegistryLocation, isAwsRegion } from "./cloud-regions";
import { isHostPort } from "./endpoint";
import { checkServiceAccountKey } from "./service-account-key";

/**
 * Create and edit bodies of a registry connection, one shape per provider:
 * `{ name, provider, endpoint, namespace?, insecure?, caPem?, auth: {kind, ...}, settings? }`.
 * Every message says what was expected; the issue's path names the field. Safe to import in
 * the browser (no Node modules), so forms can validate as the user types.
 */

export const ECR_ENDPOINT = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.(amazonaws\.com(?:\.cn)?)$/;
export const ARTIFACT_REGISTRY_ENDPOINT = /^([a-z0-9-]+)-docker\.pkg\.dev\/([^/]+)\/([^/]+)$/;
const GCP_PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const AR_REPOSITORY = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const GCR_ENDPOINT = /^((?:[a-z]+\.)?gcr\.io)(?:\/(.+))?$/;
const ACR_ENDPOINT = /^[a-z0-9]{5,50}\.azurecr\.(?:io|cn|us)$/;
const ROLE_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const ACCESS_KEY_ID = /^AKIA[A-Z0-9]{16}$/;
const SECRET_ACCESS_KEY = /^[A-Za-z0-9/+=]{40}$/;
const QUAY_ROBOT = /^[a-z0-9][a-z0-9_-]*\+[a-z0-9][a-z0-9_]*$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const REPOSITORY_PATH = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const PEM_CERTIFICATES = /^(?:-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----\s*)+$/;
const MAX_MBPS = 100_000;
const HUB_ALIASES = ["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"];

export interface SchemaMode {
  /** Editing: a secret left out keeps the stored one. */
  editing: boolean;
}

export function buildConnectionInputSchema({ editing }: SchemaMode) {
  const secret = (expected: string) => {
    const value = z
      .string({ error: `expected ${expected}` })
      .min(1, `expected ${expected}`)
      .max(20_000, `expected ${expected} (at most 20 000 characters)`);
    return editing ? value.optional() : value;
  };
  const username = (expected = "a username") =>
    z
      .string({ error: `expected ${expected}` })
      .trim()
      .min(1, `expected ${expected}`)
      .max(256, `expected ${expected} (at most 256 characters)`);
  const anonymous = z.object({ kind: z.literal("anonymous") });
  const basic = z.object({
    kind: z.literal("basic"),
    username: username(),
    password: secret("a password or access token"),
  });
  const kinds = (label: string) => ({ error: `expected ${label}` });

  const common = {
    name: z
      .string({ error: "expected a name" })
      .trim()
      .min(1, "expected a name")
      .max(120, "expected at most 120 characters"),
    namespace: optionalText(
      z
        .string()
        .trim()
        .transform((value) => value.replace(/^\/+|\/+$/g, ""))
        .pipe(
          z.string().regex(REPOSITORY_PATH, "expected a repository path prefix like team or team/mirror (lowercase)"),
        ),
    ),
    bandwidthLimitMbps: bandwidthLimit(),
  };
  /** Hosted registries speak HTTPS with a public certificate. */
  const hosted = (label: string) => ({
    ...common,
    insecure: z.literal(false, { error: `expected false: ${label} is only reached over HTTPS` }).default(false),
  });
  const selfHostable = {
    ...common,
    insecure: z.boolean({ error: "expected true or false" }).default(false),
    caPem: optionalText(
      z.string().trim().regex(PEM_CERTIFICATES, "expected one or more PEM certificates (-----BEGIN CERTIFICATE-----…)"),
    ),
  };

  const generic = z.object({
    provider: z.literal("generic"),
    ...selfHostable,
    endpoint: hostPort("host[:port] of the registry, e.g. registry.example.com or 10.0.0.5:5000"),
    auth: z.discriminatedUnion(
      "kind",
      [
        anonymous,
        basic,
        // With a username: Basic credentials exchanged at the registry's token service.
        // Without: the password is a ready Bearer token, sent as is.
        z.object({
          kind: z.literal("bearer"),
          // The form marks it optional: an empty field means none, not "expected a username".
          username: z.preprocess((value) => (value === "" ? undefined : value), username().optional()),
          password: secret("a password, or a Bearer token"),
        }),
      ],
      kinds("anonymous, basic or bearer"),
    ),
  });

  const awsAuth = z
    .object({
      kind: z.literal("aws", { error: "expected aws" }),
      source: z
        .enum(["access_key", "default_chain"], { error: "expected access_key or default_chain" })
        .default("access_key"),
      accessKeyId: optionalText(
        z.string().trim().regex(ACCESS_KEY_ID, "expected an access key id: AKIA and 16 more capital letters or digits"),
      ),
      secretAccessKey: optionalText(
        z.string().trim().regex(SECRET_ACCESS_KEY, "expected the 40-character secret access key"),
      ),
      roleArn: optionalText(
        z.string().trim().regex(ROLE_ARN, "expected a role ARN like arn:aws:iam::<12 digits>:role/<name>"),
      ),
      externalId: optionalText(z.string().trim().regex(EXTERNAL_ID, "expected 2–1224 letters, digits or +=,.@:/-_")),
    })
    .superRefine((auth, ctx) => {
      if (auth.source !== "access_key") return;
      if (!auth.accessKeyId)
        ctx.addIssue({
          code: "custom",
          path: ["accessKeyId"],
          message: "expected an access key id (or choose the default credential chain)",
        });
      if (!auth.secretAccessKey && !editing)
        ctx.addIssue({ code: "custom", path: ["secretAccessKey"], message: "expected the secret access key" });
    })
    .refine((auth) => auth.externalId === undefined || auth.roleArn !== undefined, {
      path: ["externalId"],
      message: "expected a role ARN too: an external id only applies when assuming a role",
    });
  const ecr = z.object({
    provider: z.literal("ecr"),
    ...hosted("AWS ECR"),
    endpoint: z
      .string({ error: "expected <12 digits>.dkr.ecr.<region>.amazonaws.com" })
      .trim()
      .toLowerCase()
      .superRefine((endpoint, ctx) => {
        const match = ECR_ENDPOINT.exec(endpoint);
        if (!match)
          return void ctx.addIssue({ code: "custom", message: "expected <12 digits>.dkr.ecr.<region>.amazonaws.com" });
        const [, , region, suffix] = match;
        if (!isAwsRegion(region!)) {
          ctx.addIssue({
            code: "custom",
            message: `expected a known AWS region in <12 digits>.dkr.ecr.<region>.amazonaws.com; "${region}" is not one (e.g. us-east-1, eu-west-1)`,
          });
        } else if (awsDnsSuffix(region!) !== suffix) {
          ctx.addIssue({
            code: "custom",
            message: `expected <12 digits>.dkr.ecr.${region}.${awsDnsSuffix(region!)}: that is where ${region} lives`,
          });
        }
      }),
    auth: awsAuth,
    settings: z
      .object({
        tagImmutability: z.boolean({ error: "expected true or false" }).default(false),
        scanOnPush: z.boolean({ error: "expected true or false" }).default(false),
      })
      .default({ tagImmutability: false, scanOnPush: false }),
  });

  const serviceAccountKey = secret("the service account's JSON key").superRefine((json, ctx) => {
    if (json === undefined) return;
    const checked = checkServiceAccountKey(json);
    if (!checked.ok) ctx.addIssue({ code: "custom", message: checked.problem });
  });
  const gcpAuth = z.object(
    { kind: z.literal("gcp_service_account", { error: "expected gcp_service_account" }), serviceAccountKey },
    { error: 'expected { kind: "gcp_service_account", serviceAccountKey }' },
  );
  const artifactRegistry = z.object({
    provider: z.literal("artifact_registry"),
    ...hosted("Artifact Registry"),
    endpoint: z
      .string({ error: "expected <region>-docker.pkg.dev/<project>/<repository>" })
      .trim()
      .toLowerCase()
      .transform((value) => value.replace(/^https:\/\//, "").replace(/\/+$/, ""))
      .superRefine((endpoint, ctx) => {
        const match = ARTIFACT_REGISTRY_ENDPOINT.exec(endpoint);
        if (!match)
          return void ctx.addIssue({
            code: "custom",
            message: "expected <region>-docker.pkg.dev/<project>/<repository>",
          });
        const [, location, project, repository] = match;
        if (!isArtifactRegistryLocation(location!)) {
          ctx.addIssue({
            code: "custom",
            message: `expected a known Artifact Registry location in <region>-docker.pkg.dev/…; "${location}" is not one (e.g. us, europe, us-central1)`,
          });
        } else if (!GCP_PROJECT.test(project!)) {
          ctx.addIssue({
            code: "custom",
            message: `expected a project id in <region>-docker.pkg.dev/<project>/…: 6–30 lowercase letters, digits or hyphens, starting with a letter ("${project}")`,
          });
        } else if (!AR_REPOSITORY.test(repository!)) {
          ctx.addIssue({
            code: "custom",
            message: `expected a repository id in …/<project>/<repository>: lowercase letters, digits or hyphens, starting with a letter ("${repository}")`,
          });
        }
      }),
    auth: gcpAuth,
  });
  const gcr = z
    .object({
      provider: z.literal("gcr"),
      ...hosted("Container Registry"),
      endpoint: z
        .string({ error: `expected one of ${gcrHosts.join(", ")}, optionally followed by /<project>` })
        .trim()
        .toLowerCase()
        .superRefine((endpoint, ctx) => {
          const match = GCR_ENDPOINT.exec(endpoint);
          if (!match || !(gcrHosts as readonly string[]).includes(match[1]!)) {
            ctx.addIssue({
              code: "custom",
              message: `expected one of ${gcrHosts.join(", ")}, optionally followed by /<project>`,
            });
          } else if (match[2] !== undefined && !GCP_PROJECT.test(match[2])) {
            ctx.addIssue({
              code: "custom",
              message: `expected a project id after ${match[1]}/: 6–30 lowercase letters, digits or hyphens`,
            });
          }
        }),
      auth: gcpAuth,
    })
    .refine((body) => body.endpoint.includes("/") || body.auth.serviceAccountKey !== undefined, {
      path: ["endpoint"],
      message: "expected <host>/<project>: without a new key, the project cannot be read from it",
    });

  const acr = z
    .object({
      provider: z.literal("acr"),
      ...hosted("Azure Container Registry"),
      endpoint: z
        .string({ error: "expected <registry name>.azurecr.io" })
        .trim()
        .toLowerCase()
        .regex(ACR_ENDPOINT, "expected <registry name>.azurecr.io (5–50 letters or digits)"),
      auth: basic.extend({ kind: z.literal("basic", { error: "expected basic" }) }),
      settings: z
        .object({
          credentialType: z
            .enum(["service_principal", "admin_user", "token"], {
              error: "expected service_principal, admin_user or token",
            })
            .default("service_principal"),
        })
        .default({ credentialType: "service_principal" }),
    })
    .refine((body) => body.settings.credentialType !== "service_principal" || GUID.test(body.auth.username), {
      path: ["auth", "username"],
      message: "expected the service principal's application (client) id, a GUID",
    });

  const dockerhub = z.object({
    provider: z.literal("dockerhub"),
    ...hosted("Docker Hub"),
    endpoint: z
      .string()
      .trim()
      .toLowerCase()
      .refine((value) => HUB_ALIASES.includes(value), "expected docker.io")
      .transform(() => "docker.io")
      .default("docker.io"),
    auth: z.discriminatedUnion(
      "kind",
      [anonymous, basic.extend({ password: secret("a Docker Hub access token") })],
      kinds("anonymous or basic"),
    ),
  });

  const quay = z.object({
    provider: z.literal("quay"),
    ...selfHostable,
    endpoint: hostPort("quay.io, or host[:port] of your Quay").default("quay.io"),
    auth: z.discriminatedUnion(
      "kind",
      [
        anonymous,
        basic.extend({
          username: username("a robot account").regex(QUAY_ROBOT, "expected a robot account like myorg+deployer"),
        }),
      ],
      kinds("anonymous or basic"),
    ),
  });

  const ghcr = z.object({
    provider: z.literal("ghcr"),
    ...hosted("GitHub Container Registry"),
    endpoint: z
      .string()
      .trim()
      .toLowerCase()
      .refine((value) => value === "ghcr.io", "expected ghcr.io")
      .default("ghcr.io"),
    auth: z.discriminatedUnion(
      "kind",
      [anonymous, basic.extend({ password: secret("a personal access token") })],
      kinds("anonymous or basic"),
    ),
  });

  return z.discriminatedUnion("provider", [ecr, artifactRegistry, gcr, acr, dockerhub, quay, ghcr, generic], {
    error: "expected one of ecr, artifact_registry, gcr, acr, dockerhub, quay, ghcr, generic",
  });
}

/** Body of "create a registry connection". */
export const connectionInputSchema = buildConnectionInputSchema({ editing: false });
/** Body of "edit a registry connection": secrets left out keep their stored value. */
export const connectionEditSchema = buildConnectionInputSchema({ editing: true });

export type ConnectionInput = z.output<typeof connectionInputSchema>;
export type ConnectionEdit = z.output<typeof connectionEditSchema>;

/** Optional, with an empty form field meaning "not given". */
function optionalText<T extends z.ZodType>(schema: T) {
  return z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    schema.optional(),
  );
}

/**
 * Uploads into the registry, all workers together, in Mbit/s; left out (or empty, or null)
 * means no cap. The form sends text, the API a number.
 */
function bandwidthLimit() {
  const expected = `expected a whole number of Mbit/s from 1 to ${MAX_MBPS}, or nothing for no cap`;
  return z.preprocess(
    (value) =>
      value === null || (typeof value === "string" && value.trim() === "")
        ? undefined
        : typeof value === "string" && /^\s*\d+\s*$/.test(value)
          ? Number(value)
          : value,
    z.number({ error: expected }).int(expected).min(1, expected).max(MAX_MBPS, expected).optional(),
  );
}

function hostPort(expected: string) {
  return z
    .string({ error: `expected ${expected}` })
    .trim()
    .transform((value) => value.replace(/\/+$/, ""))
    .refine(
      (value) => !/^[a-z]+:\/\//i.test(value),
      `expected ${expected}, without http:// or https:// (tick "insecure" for plain HTTP)`,
    )
    .refine((value) => /^[a-z]+:\/\//i.test(value) || isHostPort(value), `expected ${expected}`);
}
