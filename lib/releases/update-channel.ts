import "server-only";
import { isDeepStrictEqual } from "node:util";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { UserError } from "@/lib/change/errors";
import { isUniqueViolation } from "@/lib/db/errors";
import { db } from "@/lib/db/prisma";
import { syncChannelJob } from "@/lib/queue/jobs/sync-channel";
import { sendJob } from "@/lib/queue/send-job";
import { updateChannelSchema } from "./channel.schema";
import { assertComponents, auditFieldsOf, channelNameTaken, sourceRegistryOrThrow } from "./channel-fields";
import { checkComponents } from "./check-components";
import { noChannel, readChannelView } from "./channel-view";
import type { SavedChannel } from "./create-channel";

/**
 * Edits a channel; fields left out keep their value. Releases already found stay: they are
 * history. As on create, the components are asked for at the source (a misspelling is named
 * now, as a warning), and a change of what makes a release (source, components, tag pattern,
 * ordering) queues a sync with the edit, so the releases follow without a click.
 */
export const updateChannel: ChangeDefinition<typeof updateChannelSchema, SavedChannel, string[]> = {
  permission: "channels.write",
  schema: updateChannelSchema,
  async prepare({ input }) {
    if (!input.components && !input.sourceRegistryId) return [];
    // Read outside the transaction (the source's answer can take seconds); run re-reads the row.
    const current = await db().releaseChannel.findUnique({
      where: { id: input.id },
      select: { sourceRegistryId: true, components: true },
    });
    const sourceRegistryId = input.sourceRegistryId ?? current?.sourceRegistryId;
    if (!current || !sourceRegistryId) return [];
    return checkComponents(sourceRegistryId, input.components ?? current.components);
  },
  async run({ input, tx, audit, prepared }) {
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
      detail: {
        before: was,
        after: now,
        changed: !isDeepStrictEqual(was, now),
        ...(prepared.length > 0 ? { warnings: prepared } : {}),
      },
    });
    const releasesChange =
      after.sourceRegistryId !== before.sourceRegistryId ||
      !isDeepStrictEqual(after.components, before.components) ||
      after.tagPattern !== before.tagPattern ||
      after.ordering !== before.ordering;
    if (releasesChange && after.sourceKind !== "bundle")
      await sendJob(syncChannelJob, { channelId: before.id }, { tx, singletonKey: before.id });
    return { ...(await readChannelView(tx, before.id)), warnings: prepared };
  },
};
