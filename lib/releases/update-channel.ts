import "server-only";
import { isDeepStrictEqual } from "node:util";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { UserError } from "@/lib/change/errors";
import { isUniqueViolation } from "@/lib/db/errors";
import { updateChannelSchema } from "./channel.schema";
import { assertComponents, auditFieldsOf, channelNameTaken, sourceRegistryOrThrow } from "./channel-fields";
import { noChannel, readChannelView, type ChannelView } from "./channel-view";

/**
 * Edits a channel; fields left out keep their value. Releases already found stay: they are
 * history, and the next sync reconciles which one is latest under the new settings.
 */
export const updateChannel: ChangeDefinition<typeof updateChannelSchema, ChannelView> = {
  permission: "channels.write",
  schema: updateChannelSchema,
  async run({ input, tx, audit }) {
    const before = await tx.releaseChannel.findUnique({ where: { id: input.id } });
    if (!before) throw noChannel(input.id);
    if (input.components) assertComponents(input.components);
    if (before.sourceKind === "bundle" && (input.sourceRegistryId || input.tagPattern || input.ordering))
      throw new UserError(
        `${input.sourceRegistryId ? "sourceRegistryId" : input.tagPattern ? "tagPattern" : "ordering"}: channel ${before.name} takes its releases from imported bundles; it has no registry, tag pattern or ordering to change`,
        input.sourceRegistryId ? "sourceRegistryId" : input.tagPattern ? "tagPattern" : "ordering",
        409,
      );
    if (input.sourceRegistryId && input.sourceRegistryId !== before.sourceRegistryId)
      await sourceRegistryOrThrow(tx, input.sourceRegistryId);
    const name = input.name ?? before.name;
    const after = await tx.releaseChannel
      .update({
        where: { id: before.id },
        data: {
          name,
          sourceRegistryId: input.sourceRegistryId ?? before.sourceRegistryId,
          components: input.components ?? before.components,
          tagPattern: input.tagPattern ?? before.tagPattern,
          ordering: input.ordering ?? before.ordering,
          syncIntervalMinutes: input.syncIntervalMinutes ?? before.syncIntervalMinutes,
          copySignatures: input.copySignatures ?? before.copySignatures,
        },
      })
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? channelNameTaken(name) : error;
      });
    const [was, now] = [auditFieldsOf(before), auditFieldsOf(after)];
    await audit({
      action: "channel.updated",
      targetType: "channel",
      targetId: before.id,
      detail: { before: was, after: now, changed: !isDeepStrictEqual(was, now) },
    });
    return readChannelView(tx, before.id);
  },
};
