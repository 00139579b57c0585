import "server-only";
import type { ArtifactRegistryClient } from "@google-cloud/artifact-registry";
import type { JWT } from "google-auth-library";
import { z } from "zod";
import type { RegistryConnection } from "../connection";
import { RegistryConnectionError } from "../errors";
import {
  scratchRepositoryUnder,
  type AdapterContext,
  type ListRepositoriesOptions,
  type RegistryAdapter,
} from "../registry-adapter";
import { parseSettings } from "./adapter-settings";
import { googleCredentials, googleStatusOf, toGoogleError } from "./google-credentials";

const settingsSchema = z.object({
  location: z.string({ error: "expected the repository's location" }).min(1),
  project: z.string({ error: "expected the project id" }).min(1),
  repository: z.string({ error: "expected the repository id" }).min(1),
});

type GaxAuthClient = NonNullable<NonNullable<ConstructorParameters<typeof ArtifactRegistryClient>[0]>["authClient"]>;

const SERVICE = "Artifact Registry";
const PAGE_SIZE = 1000;
const MAX_PAGES = 100;
const CALL_TIMEOUT_MS = 30_000;

/**
 * An Artifact Registry Docker repository `<location>-docker.pkg.dev/<project>/<repository>`.
 * Images inside it appear on first push; what Gantry creates is the repository itself.
 */
export function openArtifactRegistry(connection: RegistryConnection, context: AdapterContext): RegistryAdapter {
  const { location, project, repository } = parseSettings(settingsSchema, connection);
  const google = googleCredentials(connection, context);
  const prefix = `${project}/${repository}`;
  const parent = `projects/${project}/locations/${location}`;
  const repositoryName = `${parent}/repositories/${repository}`;
  const call = { service: SERVICE, who: google.label, secrets: google.secrets };
  let client: Promise<ArtifactRegistryClient> | undefined;
  const api = () => (client ??= createClient(context.endpoints.artifactRegistry, google.authClient));
  let ensured: Promise<boolean> | undefined;

  const ensureRepository = async (): Promise<boolean> => {
    const ar = await api();
    try {
      await ar.getRepository({ name: repositoryName }, { timeout: CALL_TIMEOUT_MS });
      return false;
    } catch (error) {
      if (googleStatusOf(error) !== "NOT_FOUND" && (error as { status?: number }).status !== 404) {
        throw toGoogleError(error, { ...call, action: `read ${repositoryName}` });
      }
    }
    try {
      const [operation] = await ar.createRepository(
        { parent, repositoryId: repository, repository: { format: "DOCKER", description: "Created by Gantry" } },
        { timeout: CALL_TIMEOUT_MS },
      );
      await operation.promise();
      return true;
    } catch (error) {
      if (googleStatusOf(error) === "ALREADY_EXISTS" || (error as { status?: number }).status === 409) return false;
      throw toGoogleError(error, {
        ...call,
        action: `create ${repositoryName}`,
        grant: `grant it roles/artifactregistry.admin on the project, or create the Docker repository ${repository} in ${location} yourself`,
      });
    }
  };

  return {
    provider: "artifact_registry",
    registry: connection.endpoint,
    apiHost: connection.endpoint,
    namespace: prefix,
    // HTTPS-only is enforced on input; honouring the stored flags lets tests use a local registry.
    insecure: connection.insecure,
    caPem: connection.caPem ?? undefined,
    authenticator: google.authenticator,
    credentialLabel: google.label,
    scratchRepository: scratchRepositoryUnder(prefix),
    tokenExpiresAt: google.tokenExpiresAt,
    listRepositories: async (options: ListRepositoriesOptions = {}) => {
      const ar = await api();
      const limit = options.limit ?? 10_000;
      const names: string[] = [];
      let pageToken: string | undefined;
      for (let page = 0; page < MAX_PAGES && names.length < limit; page++) {
        try {
          const [packages, , response] = await ar.listPackages(
            { parent: repositoryName, pageSize: PAGE_SIZE, pageToken },
            { autoPaginate: false, timeout: CALL_TIMEOUT_MS },
          );
          // Package names end in the URL-encoded image path: …/packages/team%2Fapi.
          names.push(
            ...packages
              .map((p) => decodeURIComponent(String(p.name).split("/packages/")[1] ?? ""))
              .filter(Boolean)
              .map((image) => `${prefix}/${image}`),
          );
          pageToken = response?.nextPageToken || undefined;
        } catch (error) {
          throw toGoogleError(error, {
            ...call,
            action: `list the images of ${repositoryName}`,
            grant: "grant it roles/artifactregistry.reader",
          });
        }
        if (!pageToken) break;
      }
      return names.slice(0, limit).sort();
    },
    createRepository: async (name) => {
      if (!name.startsWith(`${prefix}/`)) {
        throw new RegistryConnectionError(
          `${name} is outside ${connection.endpoint}/${prefix}, the Artifact Registry repository of this connection`,
          {
            kind: "invalid",
            code: "REPOSITORY_OUTSIDE",
          },
        );
      }
      // Checked once per adapter: a promotion asks for every image it pushes.
      const first = !ensured;
      ensured ??= ensureRepository();
      ensured.catch(() => {
        ensured = undefined;
      });
      return { created: (await ensured) && first };
    },
    secrets: () => google.secrets,
    close: async () => {
      if (client) await (await client).close();
    },
  };
}

async function createClient(
  endpoint: string | undefined,
  authClient: () => Promise<JWT>,
): Promise<ArtifactRegistryClient> {
  const { ArtifactRegistryClient } = await import("@google-cloud/artifact-registry");
  // REST ("fallback") rather than gRPC: plain HTTPS through any proxy, and the same path the tests take.
  // google-gax pins its own copy of google-auth-library; the client only calls fetch and
  // getRequestHeaders on it, which ours has too.
  const auth = (await authClient()) as unknown as GaxAuthClient;
  return new ArtifactRegistryClient({ fallback: true, authClient: auth, ...endpointOptions(endpoint) });
}

function endpointOptions(endpoint: string | undefined) {
  if (!endpoint) return {};
  const url = new URL(endpoint);
  const protocol = url.protocol.replace(":", "");
  return { apiEndpoint: url.hostname, port: Number(url.port || (protocol === "http" ? 80 : 443)), protocol };
}
