import "server-only";
import { NotFoundError, UserError } from "@/lib/change/errors";
import { loadConnection } from "@/lib/connections/load-connection";
import { db } from "@/lib/db/prisma";
import { redact } from "@/lib/oci/redact";
import type { Reference } from "@/lib/oci/reference";
import { RegistryClient } from "@/lib/oci/registry-client";
import { messageOf } from "@/lib/registries/connection-check/access-probes";
import { openRegistry, registryClientOptions } from "@/lib/registries/open-registry";

export interface ReleaseExport {
  channel: string;
  release: string;
  /** Each component pinned by the digest discovered for this release, named by the release tag. */
  items: Reference[];
  /** The channel's source registry, opened with its stored credentials. */
  source: RegistryClient;
  close(): Promise<void>;
}

/** A stored release and its channel's source registry, ready for exportBundle. */
export async function openReleaseExport(input: { channel: string; release: string }): Promise<ReleaseExport> {
  const channel = await db().releaseChannel.findUnique({ where: { name: input.channel } });
  if (!channel) throw new NotFoundError(`channel: no channel named ${JSON.stringify(input.channel.slice(0, 100))}`);
  const release = await db().release.findUnique({
    where: { channelId_tag: { channelId: channel.id, tag: input.release } },
    include: { images: { orderBy: { repository: "asc" } } },
  });
  if (!release || release.images.length === 0) {
    throw new NotFoundError(
      `release: channel ${channel.name} has no release ${JSON.stringify(input.release.slice(0, 130))} (sync the channel first?)`,
    );
  }
  if (!channel.sourceRegistryId)
    throw new UserError(
      `channel: ${channel.name} is a bundle channel; its releases are bundle files already`,
      "channel",
      409,
    );
  const { row, connection } = await loadConnection(channel.sourceRegistryId);
  let adapter;
  try {
    adapter = await openRegistry(connection);
  } catch (error) {
    const message = redact(messageOf(error), connection.secret ? [connection.secret] : []);
    throw new UserError(`channel: its source registry ${row.name} cannot be used: ${message}`, "channel", 409);
  }
  const source = new RegistryClient({ ...registryClientOptions(adapter), side: "source", userAgent: "gantry-cli" });
  return {
    channel: channel.name,
    release: release.tag,
    items: release.images.map((image) => ({
      registry: adapter.registry,
      repository: image.repository,
      tag: release.tag,
      digest: image.digest,
    })),
    source,
    async close() {
      await source.close().catch(() => undefined);
      await adapter.close().catch(() => undefined);
    },
  };
}
