import "server-only";
import { z } from "zod";
import { UserError } from "@/lib/change/errors";
import type { ChangeDefinition } from "@/lib/change/run-change";

const approvalsRequired = z
  .number({ error: "approvalsRequired: expected a whole number from 0 (no approval) to 10" })
  .int("approvalsRequired: expected a whole number from 0 (no approval) to 10")
  .min(0, "approvalsRequired: expected a whole number from 0 (no approval) to 10")
  .max(10, "approvalsRequired: expected a whole number from 0 (no approval) to 10");

export const registryApprovalPolicySchema = z.object({
  registryId: z.string().trim().min(1, "registryId: expected the connection's id"),
  approvalsRequired,
});

/** A channel may override its targets' policy; null falls back to the target's. */
export const channelApprovalPolicySchema = z.object({
  channelId: z.string().trim().min(1, "channelId: expected the channel's id"),
  approvalsRequired: approvalsRequired.nullable(),
});

/** How many approvers must approve a promotion into this connection before anything moves. */
export const setRegistryApprovalPolicy: ChangeDefinition<
  typeof registryApprovalPolicySchema,
  { registryId: string; approvalsRequired: number }
> = {
  permission: "registries.write",
  schema: registryApprovalPolicySchema,
  async run({ input, tx, audit }) {
    const before = await tx.registry.findUnique({
      where: { id: input.registryId },
      select: { name: true, approvalsRequired: true },
    });
    if (!before) throw new UserError(`registryId: no registry connection ${input.registryId}`, "registryId", 404);
    await tx.registry.update({ where: { id: input.registryId }, data: { approvalsRequired: input.approvalsRequired } });
    await audit({
      action: "registry.approval_policy",
      targetType: "registry",
      targetId: input.registryId,
      detail: {
        name: before.name,
        before: { approvalsRequired: before.approvalsRequired },
        after: { approvalsRequired: input.approvalsRequired },
      },
    });
    return { registryId: input.registryId, approvalsRequired: input.approvalsRequired };
  },
};

export const setChannelApprovalPolicy: ChangeDefinition<
  typeof channelApprovalPolicySchema,
  { channelId: string; approvalsRequired: number | null }
> = {
  permission: "settings.write",
  schema: channelApprovalPolicySchema,
  async run({ input, tx, audit }) {
    const before = await tx.releaseChannel.findUnique({
      where: { id: input.channelId },
      select: { name: true, approvalsRequired: true },
    });
    if (!before) throw new UserError(`channelId: no channel ${input.channelId}`, "channelId", 404);
    await tx.releaseChannel.update({
      where: { id: input.channelId },
      data: { approvalsRequired: input.approvalsRequired },
    });
    await audit({
      action: "channel.approval_policy",
      targetType: "channel",
      targetId: input.channelId,
      detail: {
        name: before.name,
        before: { approvalsRequired: before.approvalsRequired },
        after: { approvalsRequired: input.approvalsRequired },
      },
    });
    return { channelId: input.channelId, approvalsRequired: input.approvalsRequired };
  },
};
