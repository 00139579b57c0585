import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeBuiltImages, seedImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { basicAuth } from "./auth/authenticator";
import { listCatalog, listTags, nextPage } from "./list-tags";
import { RegistryClient } from "./registry-client";

let registry: RunningRegistry;
let client: RegistryClient;

beforeAll(async () => {
  registry = await startRegistry({ auth: "token" });
  client = new RegistryClient({ registry: registry.host, insecure: true, auth: basicAuth("gantry", "gantry-pass") });
  const built = await seedImage(registry, "vendor/app", "v1", { layers: [{ size: 500 }] });
  // More tags of the same image: skopeo copies manifest-only when the blobs are there.
  for (const tag of ["v2", "v3", "v4", "v5"]) await seedImage(registry, "vendor/app", tag, { layers: [{ size: 500 }] });
  await seedImage(registry, "vendor/other", "x", { layers: [{ size: 10 }] });
  expect(built.manifestDigest).toMatch(/^sha256:/);
});
afterAll(async () => {
  await client?.close();
  await registry?.stop();
  await removeBuiltImages();
});

describe("listing", () => {
  it("follows Link pages for tags", async () => {
    // distribution 2.8 pages in storage order, not sorted.
    expect((await listTags(client, "vendor/app", { pageSize: 2 })).sort()).toEqual(["v1", "v2", "v3", "v4", "v5"]);
    expect(await listTags(client, "vendor/app", { pageSize: 2, limit: 3 })).toHaveLength(3);
  });

  it("lists the catalog where the credentials allow it", async () => {
    expect(await listCatalog(client, { pageSize: 1 })).toEqual(["vendor/app", "vendor/other"]);
  });

  it("reports a missing repository as not_found", async () => {
    await expect(listTags(client, "vendor/nothing")).rejects.toMatchObject({ kind: "not_found", status: 404 });
  });

  it("reads rel=next from Link headers and stays on the registry", () => {
    const base = new URL("https://r.example.com/v2/a/tags/list");
    expect(nextPage('</v2/a/tags/list?last=b&n=2>; rel="next"', base)).toBe("/v2/a/tags/list?last=b&n=2");
    expect(nextPage('<https://evil.example.com/v2/x?n=1>; rel="next"', base)).toBe("/v2/x?n=1");
    expect(nextPage('</x>; rel="prev"', base)).toBeUndefined();
    expect(nextPage(undefined, base)).toBeUndefined();
  });
});
