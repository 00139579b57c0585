import { awsRegions, gcrHosts } from "./cloud-regions";
import type { RegistryProvider } from "./connection";

/** One input of the connection form, described so the page can render any provider's form. */
export interface FieldSpec {
  /** Path in the create/edit body: `endpoint`, `auth.username`, `settings.scanOnPush`. */
  name: string;
  label: string;
  kind: "text" | "password" | "textarea" | "select" | "checkbox";
  required: boolean;
  hint?: string;
  placeholder?: string;
  options?: { value: string; label: string }[];
  defaultValue?: string | boolean;
  /** Shown only while another field holds one of these values. */
  visibleWhen?: { field: string; equals: (string | boolean)[] };
  /** A secret: never sent back to the page; left empty on edit, the stored one is kept. */
  secret?: boolean;
}

const name: FieldSpec = { name: "name", label: "Name", kind: "text", required: true, placeholder: "production-ecr" };
const namespace: FieldSpec = {
  name: "namespace",
  label: "Namespace",
  kind: "text",
  required: false,
  hint: "Optional repository prefix: images go to <namespace>/<repository>.",
  placeholder: "team/mirror",
};

const bandwidthLimit: FieldSpec = {
  name: "bandwidthLimitMbps",
  label: "Upload bandwidth cap (Mbit/s)",
  kind: "text",
  required: false,
  hint: "Optional, for a thin link: every worker's uploads into this registry together stay under it. Empty: no cap.",
  placeholder: "e.g. 200",
};

const anonymousOrBasic = (username: Partial<FieldSpec>, password: Partial<FieldSpec>): FieldSpec[] => [
  {
    name: "auth.kind",
    label: "Authentication",
    kind: "select",
    required: true,
    options: [
      { value: "anonymous", label: "Anonymous" },
      { value: "basic", label: "Username and token" },
    ],
    defaultValue: "basic",
  },
  {
    name: "auth.username",
    label: "Username",
    kind: "text",
    required: true,
    visibleWhen: { field: "auth.kind", equals: ["basic"] },
    ...username,
  },
  {
    name: "auth.password",
    label: "Password",
    kind: "password",
    required: true,
    secret: true,
    visibleWhen: { field: "auth.kind", equals: ["basic"] },
    ...password,
  },
];

const selfHostedTls: FieldSpec[] = [
  {
    name: "insecure",
    label: "Insecure (plain HTTP)",
    kind: "checkbox",
    required: false,
    defaultValue: false,
    hint: "Only for a registry on a trusted network that serves no TLS.",
  },
  {
    name: "caPem",
    label: "CA certificate (PEM)",
    kind: "textarea",
    required: false,
    hint: "For a registry whose certificate is signed by your own authority.",
    placeholder: "-----BEGIN CERTIFICATE-----",
  },
];

const serviceAccountKey: FieldSpec = {
  name: "auth.serviceAccountKey",
  label: "Service account key (JSON)",
  kind: "textarea",
  required: true,
  secret: true,
  hint: "The key file from IAM → Service accounts → Keys. Its private key is stored encrypted and never shown again.",
};

const fields: Record<RegistryProvider, FieldSpec[]> = {
  ecr: [
    name,
    {
      name: "endpoint",
      label: "Registry host",
      kind: "text",
      required: true,
      placeholder: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      hint: `<12-digit account>.dkr.ecr.<region>.amazonaws.com; regions: ${awsRegions.slice(0, 4).join(", ")}, …`,
    },
    namespace,
    {
      name: "auth.source",
      label: "AWS credentials",
      kind: "select",
      required: true,
      options: [
        { value: "access_key", label: "Access key" },
        { value: "default_chain", label: "This server's AWS identity (default credential chain)" },
      ],
      defaultValue: "access_key",
    },
    {
      name: "auth.accessKeyId",
      label: "Access key id",
      kind: "text",
      required: true,
      placeholder: "AKIA…",
      visibleWhen: { field: "auth.source", equals: ["access_key"] },
    },
    {
      name: "auth.secretAccessKey",
      label: "Secret access key",
      kind: "password",
      required: true,
      secret: true,
      visibleWhen: { field: "auth.source", equals: ["access_key"] },
    },
    {
      name: "auth.roleArn",
      label: "Role to assume",
      kind: "text",
      required: false,
      placeholder: "arn:aws:iam::123456789012:role/gantry",
      hint: "Optional: Gantry calls STS AssumeRole with these credentials.",
    },
    {
      name: "auth.externalId",
      label: "External id",
      kind: "text",
      required: false,
      hint: "Only if the role's trust policy asks for one.",
    },
    {
      name: "settings.tagImmutability",
      label: "Immutable tags on new repositories",
      kind: "checkbox",
      required: false,
      defaultValue: false,
    },
    {
      name: "settings.scanOnPush",
      label: "Scan on push on new repositories",
      kind: "checkbox",
      required: false,
      defaultValue: false,
    },
  ],
  artifact_registry: [
    name,
    {
      name: "endpoint",
      label: "Repository path",
      kind: "text",
      required: true,
      placeholder: "europe-west1-docker.pkg.dev/my-project/releases",
      hint: "<region>-docker.pkg.dev/<project>/<repository>; the repository is created if it is missing.",
    },
    serviceAccountKey,
  ],
  gcr: [
    name,
    {
      name: "endpoint",
      label: "Registry",
      kind: "text",
      required: true,
      placeholder: "gcr.io/my-project",
      hint: `${gcrHosts.join(", ")}, optionally with /<project> (default: the key's project).`,
    },
    serviceAccountKey,
  ],
  acr: [
    name,
    { name: "endpoint", label: "Registry host", kind: "text", required: true, placeholder: "myregistry.azurecr.io" },
    namespace,
    {
      name: "settings.credentialType",
      label: "Credential",
      kind: "select",
      required: true,
      options: [
        { value: "service_principal", label: "Service principal" },
        { value: "admin_user", label: "Admin user" },
        { value: "token", label: "Repository-scoped token" },
      ],
      defaultValue: "service_principal",
    },
    {
      name: "auth.kind",
      label: "Authentication",
      kind: "select",
      required: true,
      options: [{ value: "basic", label: "Username and password" }],
      defaultValue: "basic",
    },
    {
      name: "auth.username",
      label: "Username",
      kind: "text",
      required: true,
      hint: "For a service principal: its application (client) id.",
    },
    { name: "auth.password", label: "Password", kind: "password", required: true, secret: true },
  ],
  dockerhub: [
    name,
    namespace,
    ...anonymousOrBasic(
      { hint: "Your Docker ID." },
      {
        label: "Access token",
        hint: "Account settings → Personal access tokens; Read & Write to push.",
        placeholder: "dckr_pat_…",
      },
    ),
  ],
  quay: [
    name,
    {
      name: "endpoint",
      label: "Registry host",
      kind: "text",
      required: false,
      placeholder: "quay.io",
      defaultValue: "quay.io",
    },
    namespace,
    ...anonymousOrBasic({ label: "Robot account", placeholder: "myorg+deployer" }, { label: "Robot token" }),
    ...selfHostedTls,
  ],
  ghcr: [
    name,
    namespace,
    ...anonymousOrBasic(
      { hint: "Your GitHub username." },
      {
        label: "Personal access token",
        hint: "Classic token with read:packages (and write:packages to push).",
        placeholder: "ghp_…",
      },
    ),
  ],
  generic: [
    name,
    {
      name: "endpoint",
      label: "Registry host",
      kind: "text",
      required: true,
      placeholder: "registry.example.com:5000",
      hint: "host[:port], without https://.",
    },
    namespace,
    {
      name: "auth.kind",
      label: "Authentication",
      kind: "select",
      required: true,
      options: [
        { value: "anonymous", label: "Anonymous" },
        { value: "basic", label: "Basic (username and password)" },
        { value: "bearer", label: "Bearer (token service, or a ready token)" },
      ],
      defaultValue: "basic",
    },
    {
      name: "auth.username",
      label: "Username",
      kind: "text",
      required: false,
      visibleWhen: { field: "auth.kind", equals: ["basic", "bearer"] },
      hint: "For Bearer: leave empty when the password field holds a ready token.",
    },
    {
      name: "auth.password",
      label: "Password or token",
      kind: "password",
      required: true,
      secret: true,
      visibleWhen: { field: "auth.kind", equals: ["basic", "bearer"] },
    },
    ...selfHostedTls,
  ],
};

/** The form of one provider, in display order; the provider field itself is the page's. */
export function fieldsFor(provider: RegistryProvider): FieldSpec[] {
  return [...fields[provider], bandwidthLimit];
}
