// Registries for bench/load.mjs (bundled by it with esbuild: the fixtures are TypeScript):
// a source registry holding a three-image release and an empty target, both real CNCF
// registries on 127.0.0.1.
import fs from "node:fs";
import path from "node:path";
import { removeBuiltImages, seedImage } from "../test/fixtures/oci-image";
import { startRegistry } from "../test/fixtures/registry";

const MB = 1 << 20;

export async function startLoadRegistries(tag = "1.0") {
  const [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  const base = { size: 8 * MB, seed: "load-base" };
  const components = [
    { repository: "vendor/api", own: 12 * MB },
    { repository: "vendor/engine", own: 8 * MB },
    { repository: "vendor/proxy", own: 4 * MB },
  ];
  const images = [];
  for (const c of components) {
    const built = await seedImage(source, c.repository, tag, {
      layers: [base, { size: c.own, seed: `load-${c.repository}` }],
    });
    images.push({ repository: c.repository, digest: built.manifestDigest, size: built.size });
  }
  return {
    source: source.host,
    target: target.host,
    tag,
    images,
    /** Bytes in the target's blob store: what reached it (a mounted blob adds nothing). */
    targetStoredBytes(): number {
      const dir = path.join(target.dataDir, "docker/registry/v2/blobs");
      if (!fs.existsSync(dir)) return 0;
      return fs
        .readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile())
        .reduce((sum, e) => sum + fs.statSync(path.join(e.parentPath, e.name)).size, 0);
    },
    async stop() {
      await Promise.all([source.stop(), target.stop()]);
      await removeBuiltImages();
    },
  };
}
