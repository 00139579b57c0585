import type { RegistryAuthKind, RegistryProvider } from "./connection";

/** What the console says about a provider, and what Gantry can do with it. */
export interface ProviderInfo {
  id: RegistryProvider;
  label: string;
  description: string;
  authKinds: readonly RegistryAuthKind[];
  /** Filled in when the form leaves the endpoint empty. */
  defaultEndpoint?: string;
  /** Gantry creates missing repositories through the provider's API before pushing. */
  createsRepositories: boolean;
  /** How repositories are listed: the provider's API, the registry's /v2/_catalog, or not at all. */
  lists: "api" | "catalog" | "none";
  /** Plain HTTP and a private CA make sense only for self-hosted registries. */
  selfHostable: boolean;
  /** What to say when the target refuses a push (auth or denied): a cause known for this provider. */
  refusedPushHint?: (repository: string) => string;
}

export const providerCatalogue: Record<RegistryProvider, ProviderInfo> = {
  ecr: {
    id: "ecr",
    label: "AWS ECR",
    description:
      "Amazon Elastic Container Registry. Access keys or this server's AWS identity, optionally assuming a role; repositories are created on demand.",
    authKinds: ["aws"],
    createsRepositories: true,
    lists: "api",
    selfHostable: false,
  },
  artifact_registry: {
    id: "artifact_registry",
    label: "Google Artifact Registry",
    description:
      "A Docker repository in Google Artifact Registry, reached with a service-account key; the repository is created if it is missing.",
    authKinds: ["gcp_service_account"],
    createsRepositories: true,
    lists: "api",
    selfHostable: false,
  },
  gcr: {
    id: "gcr",
    label: "Google Container Registry",
    description: "gcr.io and its regional hosts (now served by Artifact Registry), reached with a service-account key.",
    authKinds: ["gcp_service_account"],
    createsRepositories: false,
    lists: "catalog",
    selfHostable: false,
  },
  acr: {
    id: "acr",
    label: "Azure Container Registry",
    description: "An Azure registry, reached with a service principal, the admin user or a repository-scoped token.",
    authKinds: ["basic"],
    createsRepositories: false,
    lists: "catalog",
    selfHostable: false,
  },
  dockerhub: {
    id: "dockerhub",
    label: "Docker Hub",
    description: "Docker Hub, anonymously (public images, tight pull limits) or with a username and access token.",
    authKinds: ["anonymous", "basic"],
    defaultEndpoint: "docker.io",
    createsRepositories: false,
    lists: "none",
    selfHostable: false,
  },
  quay: {
    id: "quay",
    label: "Quay",
    description: "quay.io or a self-hosted Quay, anonymously or with a robot account.",
    authKinds: ["anonymous", "basic"],
    defaultEndpoint: "quay.io",
    createsRepositories: false,
    lists: "catalog",
    selfHostable: true,
    refusedPushHint: (repository) =>
      `a Quay robot account cannot create repositories: if ${repository} does not exist yet, create it in Quay and give the robot write access to it`,
  },
  ghcr: {
    id: "ghcr",
    label: "GitHub Container Registry",
    description:
      "ghcr.io, anonymously or with a GitHub username and a personal access token (read:packages, write:packages to push).",
    authKinds: ["anonymous", "basic"],
    defaultEndpoint: "ghcr.io",
    createsRepositories: false,
    lists: "none",
    selfHostable: false,
  },
  generic: {
    id: "generic",
    label: "Registry (V2 API)",
    description:
      "Any registry speaking the Docker Registry HTTP API V2 / OCI Distribution: Harbor, GitLab, Nexus, Artifactory, distribution.",
    authKinds: ["anonymous", "basic", "bearer"],
    createsRepositories: false,
    lists: "catalog",
    selfHostable: true,
  },
};

export function providerInfo(provider: RegistryProvider): ProviderInfo {
  return providerCatalogue[provider];
}
