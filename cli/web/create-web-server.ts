import http from "node:http";
import { clientAddress, clientAddressHeader, type TrustedProxies } from "@/lib/http/client-address";

export type RequestHandler = (request: http.IncomingMessage, response: http.ServerResponse) => Promise<void>;

/**
 * The console's HTTP server. Next's handler sees only headers, not the socket, so before each
 * request reaches it this server works out the client address (the peer, or what trusted
 * proxies forwarded) and stamps it in `x-gantry-client-address`, after deleting any copy the
 * client sent: that header is the only place the app reads an address from.
 */
export function createWebServer(options: {
  handle: RequestHandler;
  trusted: TrustedProxies;
  onError: (error: unknown, request: http.IncomingMessage) => void;
}): http.Server {
  return http.createServer((request, response) => {
    stampClientAddress(request, options.trusted);
    options.handle(request, response).catch((error: unknown) => {
      options.onError(error, request);
      if (response.headersSent) response.destroy();
      else {
        response.statusCode = 500;
        response.end("Internal Server Error");
      }
    });
  });
}

export function stampClientAddress(request: http.IncomingMessage, trusted: TrustedProxies): void {
  delete request.headers[clientAddressHeader];
  // Next reads `headers`; the raw list is kept in step for anything that reads it instead.
  for (let i = request.rawHeaders.length - 2; i >= 0; i -= 2)
    if (request.rawHeaders[i]?.toLowerCase() === clientAddressHeader) request.rawHeaders.splice(i, 2);
  const address = clientAddress({
    peer: request.socket.remoteAddress,
    forwardedFor: request.headers["x-forwarded-for"],
    trusted,
  });
  if (!address) return;
  request.headers[clientAddressHeader] = address;
  request.rawHeaders.push(clientAddressHeader, address);
}
