import "server-only";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { isUniqueViolation } from "@/lib/db/errors";
import { createChannelSchema } from "./channel.schema";
import { assertComponents, auditFieldsOf, channelNameTaken, sourceRegistryOrThrow } from "./channel-fields";
import { readChannelView, type ChannelView } from "./channel-view";

/** Adds a release channel: where releases come from, which repositories make one, how tags order. */
export const createChannel: ChangeDefinition<typeof createChannelSchema, ChannelView> = {
  permission: "channels.write",
  schema: createChannelSchema,
  async run({ input, tx, audit }) {
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
      detail: { after: auditFieldsOf(row) },
    });
    return readChannelView(tx, row.id);
  },
};
