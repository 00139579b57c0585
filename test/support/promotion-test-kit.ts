/**
 * Shared set-up of the promotion tests (not used by the application): registry connections
 * made through the real change, releases written straight into the test database (the
 * channel sync is built elsewhere), and waiting for rows to reach a state.
 */
import { runChange, type Caller } from "@/lib/change/run-change";
import { createConnection } from "@/lib/connections/create-connection";
import { db } from "@/lib/db/prisma";
import type { BuiltImage } from "@/test/fixtures/oci-image";
import { createPromotion } from "@/lib/promotions/create-promotion";
import { listPromotionRows } from "@/lib/promotions/promotion-list";
import { getPromotion, listPromotions, type PromotionView } from "@/lib/promotions/promotion-view";

export const admin: Caller = { userId: null, email: "admin@example.com", role: "admin" };
export const operator: Caller = { userId: null, email: "op@example.com", role: "operator" };
export const viewer: Caller = { userId: null, email: "viewer@example.com", role: "viewer" };
export const client = { ip: null, userAgent: "vitest" };

/** A generic connection to `host` (anonymous unless a password is given). */
export async function connectRegistry(
  name: string,
  host: string,
  auth?: { username: string; password: string },
): Promise<string> {
  const body = {
    name,
    provider: "generic",
    endpoint: host,
    insecure: true,
    auth: auth ? { kind: "basic", ...auth } : { kind: "anonymous" },
  };
  const created = await runChange(createConnection, admin, body, client);
  if (!created.ok) throw new Error(created.error);
  return created.data.id;
}

let channels = 0;

/** A channel on the source connection and one release of it with these component images. */
export async function createRelease(
  sourceRegistryId: string,
  tag: string,
  images: { repository: string; built: BuiltImage }[],
): Promise<string> {
  channels += 1;
  const channel = await db().releaseChannel.create({
    data: {
      name: `channel-${channels}-${Date.now()}`,
      sourceRegistryId,
      components: images.map((i) => i.repository),
      tagPattern: ".*",
      ordering: "semver",
    },
  });
  const release = await db().release.create({
    data: {
      channelId: channel.id,
      tag,
      sortKey: tag,
      latest: true,
      images: {
        create: images.map(({ repository, built }) => ({
          repository,
          digest: built.manifestDigest,
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          platforms: ["linux/amd64"],
          size: BigInt(built.size),
        })),
      },
    },
  });
  return release.id;
}

/** Creates a promotion as an operator; throws with the message when it is refused. */
export async function promote(input: Record<string, unknown>): Promise<string> {
  const result = await runChange(createPromotion, operator, input, client);
  if (!result.ok) throw new Error(result.error);
  return result.data.id;
}

/** Polls the promotion until `done` holds (default: a finished status). */
export async function waitForPromotion(
  id: string,
  done: (view: PromotionView) => boolean = finished,
  timeoutMs = 60_000,
): Promise<PromotionView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await getPromotion(id);
    if (view && done(view)) return view;
    if (Date.now() > deadline)
      throw new Error(
        `promotion ${id} did not get there in ${timeoutMs} ms: ${JSON.stringify(view && { status: view.status, images: view.images.map((i) => [i.component, i.status, i.bytesDone, i.failure]) })}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function finished(view: PromotionView): boolean {
  return view.status === "succeeded" || view.status === "failed" || view.status === "stopped";
}

/**
 * The promotion as the two lists show it: GET /api/v1/promotions' summary and the Promotions
 * page's row (both read it their own narrower way; a test compares them with getPromotion's view).
 */
export async function listedAs(id: string) {
  const [{ promotions: summaries }, { promotions: rows }] = await Promise.all([
    listPromotions({ limit: 200 }),
    listPromotionRows({ limit: 200 }),
  ]);
  return { summary: summaries.find((p) => p.id === id), row: rows.find((p) => p.id === id) };
}

/** The view without per-layer detail: what the API list must answer for it. */
export function summaryOf(view: PromotionView) {
  return { ...view, images: view.images.map(({ layers: _layers, ...image }) => image) };
}
