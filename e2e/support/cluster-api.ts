/** /api/v1 from Node (no browser), for the service topology spec and bench/topology.mjs. */
import type { ProxiedRequest } from "../../test/fixtures/fault-proxy";
import type { PromotionView } from "../../lib/promotions/promotion-view";

export interface ServiceApi {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  connect(name: string, host: string, password: string): Promise<string>;
  createChannel(input: {
    name: string;
    sourceRegistryId: string;
    components: readonly string[];
    interval: number;
  }): Promise<string>;
}

export function serviceApi(baseUrl: string, token: string): ServiceApi {
  const call: ServiceApi["call"] = async (method, path, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    return { status: response.status, json: await response.json() };
  };
  const created = (what: string, answer: { status: number; json: unknown }) => {
    if (answer.status !== 201) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.json)}`);
    return (answer.json as { id: string }).id;
  };
  return {
    call,
    async connect(name, host, password) {
      const body = {
        name,
        provider: "generic",
        endpoint: host,
        insecure: true,
        auth: { kind: "basic", username: "gantry", password },
      };
      return created(`connect ${name}`, await call("POST", "/api/v1/registries", body));
    },
    async createChannel({ name, sourceRegistryId, components, interval }) {
      const body = {
        name,
        sourceRegistryId,
        components,
        tagPattern: "^\\d+\\.\\d+\\.\\d+$",
        ordering: "semver",
        syncIntervalMinutes: interval,
      };
      return created(`channel ${name}`, await call("POST", "/api/v1/channels", body));
    },
  };
}

/** A promotion's server-sent events as views; `views()` can be iterated again, going on where it stopped. */
export function readEvents(url: string, token: string): { views(): AsyncGenerator<PromotionView>; close(): void } {
  const controller = new AbortController();
  const response = fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const decoder = new TextDecoder();
  let buffer = "";
  return {
    async *views() {
      if (!reader) {
        const answer = await response;
        if (answer.status !== 200 || !answer.body) throw new Error(`event stream answered ${answer.status}`);
        reader = answer.body.getReader();
      }
      for (;;) {
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event
            .split("\n")
            .filter((line) => line.startsWith("data: "))
            .map((line) => line.slice(6))
            .join("\n");
          if (data) yield JSON.parse(data) as PromotionView;
          end = buffer.indexOf("\n\n");
        }
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
      }
    },
    close: () => controller.abort(),
  };
}

/**
 * Completed blob uploads at a registry, per repository and digest: the request that closes an
 * upload (PUT, or a monolithic POST) names the digest and is answered 201. Mounts are not uploads.
 */
export function uploadsPerBlob(requests: readonly ProxiedRequest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of requests) {
    const match = /^\/v2\/(.+)\/blobs\/uploads\//.exec(request.path.split("?")[0]!);
    if (!match || request.status !== 201 || !["PUT", "POST"].includes(request.method)) continue;
    const query = new URL(request.path, "http://registry").searchParams;
    const digest = query.get("digest");
    if (!digest || query.has("mount")) continue;
    const key = `${match[1]}@${digest}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
