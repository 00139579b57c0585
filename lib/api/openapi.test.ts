import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/v1/openapi.json/route";
import { apiOperations } from "./openapi";

const apiRoot = path.join(process.cwd(), "app", "api", "v1");

/** Every `METHOD /path` the route files under app/api/v1 export, in OpenAPI path syntax. */
function routedOperations(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const route = path
          .relative(apiRoot, dir)
          .split(path.sep)
          .map((part) => part.replace(/^\[(\w+)\]$/, "{$1}"));
        if (route[0] === "openapi.json") continue;
        const source = fs.readFileSync(full, "utf8");
        for (const [, method] of source.matchAll(
          /export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g,
        ))
          found.push(`${method} /${route.join("/")}`);
      }
    }
  };
  walk(apiRoot);
  return found.sort();
}

describe("the OpenAPI document", () => {
  it("documents exactly the operations the route files serve", () => {
    expect(apiOperations.map((o) => `${o.method} ${o.path}`).sort()).toEqual(routedOperations());
  });

  it("is served at /api/v1/openapi.json with request bodies from the zod schemas", async () => {
    const response = GET();
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: {
              content: { "application/json": { schema: { properties: Record<string, unknown>; required?: string[] } } };
            };
            description: string;
          }
        >
      >;
    };
    expect(document.openapi).toBe("3.1.0");
    const createPromotion = document.paths["/api/v1/promotions"]!.post!;
    const body = createPromotion.requestBody!.content["application/json"].schema;
    expect(Object.keys(body.properties)).toEqual([
      "releaseId",
      "targetRegistryId",
      "repositoryPrefix",
      "repositoryNames",
      "movingTag",
    ]);
    expect(body.required).toEqual(["releaseId", "targetRegistryId"]);
    expect(createPromotion.description).toContain("operator");
    // Ids taken from the path are not asked for again in the body.
    const approve =
      document.paths["/api/v1/promotions/{id}/override"]!.post!.requestBody!.content["application/json"].schema;
    expect(Object.keys(approve.properties)).toEqual(["reason"]);
  });

  it("documents the bandwidth cap on a connection of every provider, create and edit", async () => {
    type Schema = {
      properties?: Record<string, { type?: string; maximum?: number }>;
      oneOf?: Schema[];
      anyOf?: Schema[];
    };
    const document = (await GET().json()) as {
      paths: Record<string, Record<string, { requestBody: { content: { "application/json": { schema: Schema } } } }>>;
    };
    for (const [path, method] of [
      ["/api/v1/registries", "post"],
      ["/api/v1/registries/{id}", "patch"],
    ] as const) {
      const schema = document.paths[path]![method]!.requestBody.content["application/json"].schema;
      const variants = schema.oneOf ?? schema.anyOf ?? [schema];
      expect(variants).toHaveLength(8);
      for (const variant of variants)
        expect(variant.properties?.bandwidthLimitMbps).toMatchObject({ type: "integer", maximum: 100_000 });
    }
  });
});
