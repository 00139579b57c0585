// The /api/v1/promotions route handlers served over HTTP without the rest of Next.js: the
// benchmark times the promotion engine and its API, not a `next build`. Same handlers,
// same Bearer-token authentication and permission checks as in the console.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { GET as getPromotion } from "@/app/api/v1/promotions/[id]/route";
import { GET as listPromotions, POST as createPromotion } from "@/app/api/v1/promotions/route";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export async function startApiServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const match = /^\/api\/v1\/promotions(?:\/([^/]+))?$/.exec(url.pathname);
    const handler: Handler | undefined = !match
      ? undefined
      : match[1]
        ? req.method === "GET"
          ? getPromotion
          : undefined
        : req.method === "POST"
          ? createPromotion
          : listPromotions;
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    const request = new Request(url, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    const response = await handler(request, {
      params: Promise.resolve<Record<string, string>>(match![1] ? { id: match![1] } : {}),
    });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
