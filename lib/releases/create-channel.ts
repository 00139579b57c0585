import "server-only";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { isUniqueViolation } from "@/lib/db/errors";
import { syncChannelJob } from "@/lib/queue/jobs/sync-channel";
import { sendJob } from "@/lib/queue/send-job";
import { createChannelSchema } from "./channel.schema";
import { assertComponents, auditFieldsOf, channelNameTaken, sourceRegistryOrThrow } from "./channel-fields";
import { checkComponents } from "./check-components";
import { readChannelView, type ChannelView } from "./channel-view";

/** A saved channel, with what the source said about its components (saved anyway). */
export type SavedChannel = ChannelView & { warnings: string[] };

/**
 * Adds a release channel: where releases come from, which repositories make one, how tags
 * order. Each component is asked for at the source first (a misspelling is named now, as a
 * warning), and the first sync is queued with the channel, so releases appear without a click.
 */
export const createChannel: ChangeDefinition<typeof createChannelSchema, SavedChannel, string[]> = {
  permission: "channels.write",
  schema: createChannelSchema,
  prepare: ({ input }) => checkComponents(input.sourceRegistryId, input.components),
  async run({ input, tx, audit, prepared }) {
    assertComponents(input.components);
    await sourceRegistryOrThrow(tx, input.sourceRegistryId);
    if (await tx.releaseChannel.findUnique({ where: { name: input.name }, select: { id: true } }))
      throw channelNameTaken(input.name);
    const row = await tx.releaseChannel
      .create({
        data: {
          name: input.name,
          sourceRegistryId: input.sourceRegistryId,
          components: input.components,
          tagPattern: input.tagPattern,
          ordering: input.ordering,
          syncIntervalMinutes: input.syncIntervalMinutes,
          copySignatures: input.copySignatures,
        },
      })
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? channelNameTaken(input.name) : error;
      });
    await audit({
      action: "channel.created",
      targetType: "channel",
      targetId: row.id,
      detail: { after: auditFieldsOf(row), ...(prepared.length > 0 ? { warnings: prepared } : {}) },
    });
    await sendJob(syncChannelJob, { channelId: row.id }, { tx, singletonKey: row.id });
    return { ...(await readChannelView(tx, row.id)), warnings: prepared };
  },
};
