import { openApiDocument } from "@/lib/api/openapi";

/** The OpenAPI document of /api/v1. Public: it describes the API and holds nothing secret. */
export function GET(): Response {
  return Response.json(openApiDocument(), { headers: { "cache-control": "public, max-age=300" } });
}
