import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedImage, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { RegistryClient } from "../registry-client";
import { headBlob, startUpload } from "../remote-blob";
import { headManifest } from "../remote-manifest";

let registry: RunningRegistry;
let built: BuiltImage;
let counter: { host: string; connections: () => number; stop: () => Promise<void> };

beforeAll(async () => {
  registry = await startRegistry();
  built = await seedImage(registry, "team/app", "1.0", { layers: [{ size: 1000 }] });
  counter = await countConnections(registry.host);
});

afterAll(async () => {
  await counter?.stop();
  await registry?.stop();
});

describe("connection reuse", () => {
  it("existence checks (HEAD, found or not) keep their connection for the requests after them", async () => {
    const client = new RegistryClient({ registry: counter.host, insecure: true });
    const at = { client, repository: "team/app", push: true };
    try {
      expect((await headManifest({ ...at, reference: "1.0" }))?.digest).toBe(built.manifestDigest);
      expect(await headManifest({ ...at, reference: "2.0" })).toBeUndefined();
      for (const blob of built.blobs) expect(await headBlob(at, blob.digest)).toBe(blob.size);
      expect(await headBlob(at, `sha256:${"0".repeat(64)}`)).toBeUndefined();
      const started = await startUpload(at, `sha256:${"0".repeat(64)}`);
      expect(started.mounted).toBe(false);
      // GET /v2/, then every request above on the same connections (the ping's may not be back
      // in the pool when the first request leaves): each new one costs a round trip, and a TLS
      // handshake, on a real link. undici's default closes the connection after each HEAD: 6.
      expect(counter.connections()).toBeLessThanOrEqual(2);
    } finally {
      await client.close();
    }
  });
});

/** A TCP forwarder in front of `host` that counts the connections it accepts. */
async function countConnections(host: string) {
  const [hostname, port] = host.split(":");
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((downstream) => {
    connections++;
    const upstream = net.connect({ host: hostname, port: Number(port) });
    for (const socket of [downstream, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {
        downstream.destroy();
        upstream.destroy();
      });
      socket.on("close", () => sockets.delete(socket));
    }
    downstream.pipe(upstream).pipe(downstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    host: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    connections: () => connections,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
