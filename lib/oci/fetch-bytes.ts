import type { HttpResponse } from "./transport/http-agent";
import { toNetworkError } from "./transport/http-agent";
import { withRetry } from "./transport/retry";
import type { RegistryClient, RegistryRequest } from "./registry-client";

export interface FetchBytesOptions {
  /** Refuse bodies past this size: declared (before reading) or actual. */
  maxBytes: number;
  tooLarge: (size: string) => Error;
}

/**
 * A small body read whole (manifests, tag lists, configs), the request and the read retried
 * together: a connection cut halfway through a manifest is as retryable as a 503.
 */
export async function fetchBytes(
  client: RegistryClient,
  request: Omit<RegistryRequest, "body">,
  options: FetchBytesOptions,
): Promise<{ response: HttpResponse; bytes: Buffer }> {
  return withRetry(
    async () => {
      const response = await client.request({ ...request, retry: false });
      const declared = Number(response.headers["content-length"] ?? NaN);
      if (declared > options.maxBytes) {
        response.body.destroy();
        throw options.tooLarge(`${declared} bytes`);
      }
      const chunks: Buffer[] = [];
      let total = 0;
      try {
        for await (const chunk of response.body as AsyncIterable<Buffer>) {
          total += chunk.length;
          if (total > options.maxBytes) throw options.tooLarge("larger than that");
          chunks.push(chunk);
        }
      } catch (error) {
        throw client.scrub(
          toNetworkError(error, { method: request.method, url: response.url, signal: request.signal }, client.side),
        );
      } finally {
        response.body.destroy();
      }
      return { response, bytes: Buffer.concat(chunks) };
    },
    { policy: client.retry, signal: request.signal },
  );
}
