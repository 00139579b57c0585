/**
 * Twenty promotions on one external Postgres, copied by one worker and then by three (each a
 * fresh target registry), against a vendor whose blob downloads are held to a per-connection
 * rate as over a WAN; skopeo copying the same twenty images one after another is the baseline.
 * Run through bench/topology.mjs, which bundles this file.
 */
import { performance } from "node:perf_hooks";
import { GantryCluster } from "../e2e/support/gantry-cluster";
import { serviceApi } from "../e2e/support/cluster-api";
import { startFaultProxy } from "../test/fixtures/fault-proxy";
import { seedImage, skopeoInspectDigest } from "../test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "../test/fixtures/registry";
import { runCommand } from "../test/fixtures/run-command";

const promotions = Number(process.env.BENCH_PROMOTIONS ?? 20);
const layerBytes = Number(process.env.BENCH_LAYER_BYTES ?? 1024 * 1024);
const rate = Number(process.env.BENCH_BYTES_PER_SECOND ?? 1024 * 1024);
const tags = Array.from({ length: promotions }, (_, i) => `1.0.${i}`);

const vendor = await startRegistry({ auth: "none" });
const stops: (() => Promise<unknown>)[] = [() => vendor.stop()];
let cluster: GantryCluster | undefined;
try {
  const digests = new Map<string, string>();
  for (const tag of tags) {
    const built = await seedImage(vendor, "vendor/app", tag, {
      layers: [
        { size: layerBytes, seed: `bench-a-${tag}` },
        { size: layerBytes, seed: `bench-b-${tag}` },
      ],
    });
    digests.set(tag, built.manifestDigest);
  }
  const proxy = await startFaultProxy(vendor, {
    rules: [
      {
        match: { method: "GET", path: /\/blobs\/sha256:/ },
        times: Number.POSITIVE_INFINITY,
        action: { kind: "trickle", bytesPerSecond: rate },
      },
    ],
  });
  stops.push(() => proxy.stop());

  cluster = await GantryCluster.create({ GANTRY_ALLOW_LOOPBACK_REGISTRIES: "1" });
  const token = await cluster.adminToken();
  const web = await cluster.startWeb();
  const api = serviceApi(web, token);
  const connect = async (name: string, host: string) => {
    const answer = await api.call("POST", "/api/v1/registries", {
      name,
      provider: "generic",
      endpoint: host,
      insecure: true,
      auth: { kind: "anonymous" },
    });
    if (answer.status !== 201) throw new Error(JSON.stringify(answer.json));
    return (answer.json as { id: string }).id;
  };
  const sourceId = await connect("vendor", proxy.host);
  const channelId = await api.createChannel({
    name: "bench",
    sourceRegistryId: sourceId,
    components: ["vendor/app"],
    interval: 0,
  });
  await api.call("POST", `/api/v1/channels/${channelId}/sync`);
  const { releases } = (await api.call("GET", `/api/v1/channels/${channelId}/releases`)).json as {
    releases: { id: string; tag: string }[];
  };

  const results: { label: string; seconds: number }[] = [];
  for (const workers of [1, 3]) {
    const target = await startRegistry({ auth: "none" });
    stops.push(() => target.stop());
    const targetId = await connect(`target-${workers}`, target.host);
    for (let i = cluster.workers.length; i < workers; i += 1) await cluster.startWorker();
    const started = performance.now();
    const ids: string[] = [];
    for (const release of releases) {
      const created = await api.call("POST", "/api/v1/promotions", {
        releaseId: release.id,
        targetRegistryId: targetId,
        repositoryPrefix: "team/",
      });
      ids.push((created.json as { id: string }).id);
    }
    for (const id of ids) {
      for (;;) {
        const { json } = await api.call("GET", `/api/v1/promotions/${id}`);
        const status = (json as { status: string }).status;
        if (status === "succeeded") break;
        if (status === "failed" || status === "stopped") throw new Error(`promotion ${id} ${status}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    const seconds = (performance.now() - started) / 1000;
    await checkDigests(target, digests);
    results.push({ label: `gantry, ${workers} worker${workers > 1 ? "s" : ""}`, seconds });
    console.log(`${results.at(-1)!.label}: ${seconds.toFixed(1)} s`);
  }

  const target = await startRegistry({ auth: "none" });
  stops.push(() => target.stop());
  const started = performance.now();
  for (const tag of tags)
    await runCommand("skopeo", [
      "--insecure-policy",
      "copy",
      "--preserve-digests",
      "--src-tls-verify=false",
      "--dest-tls-verify=false",
      `docker://${proxy.host}/vendor/app:${tag}`,
      `docker://${target.host}/team/app:${tag}`,
    ]);
  results.push({ label: "skopeo copy, one after another", seconds: (performance.now() - started) / 1000 });
  await checkDigests(target, digests);

  const mib = (promotions * 2 * layerBytes) / (1 << 20);
  console.log(
    `\n${promotions} promotions (one image, two ${layerBytes / 1024} KiB layers each; ${mib.toFixed(0)} MiB), vendor blob downloads at ${rate / 1024} KiB/s per connection`,
  );
  for (const { label, seconds } of results)
    console.log(`${label.padEnd(32)} ${seconds.toFixed(1).padStart(6)} s   ${(mib / seconds).toFixed(1)} MiB/s`);
} finally {
  await cluster?.stop();
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
}

async function checkDigests(target: RunningRegistry, digests: Map<string, string>): Promise<void> {
  for (const [tag, digest] of digests) {
    const actual = await skopeoInspectDigest(`${target.host}/team/app:${tag}`);
    if (actual !== digest) throw new Error(`team/app:${tag} arrived as ${actual}, expected ${digest}`);
  }
}
