import "server-only";
import { UserError } from "@/lib/change/errors";
import type { Tx } from "@/lib/db/prisma";
import { parseReference } from "@/lib/oci/reference";

/** A channel's stored fields, for audit before/after. */
export interface ChannelAuditFields {
  name: string;
  /** null for a bundle channel. */
  sourceRegistryId: string | null;
  components: string[];
  tagPattern: string;
  ordering: string;
  syncIntervalMinutes: number;
  copySignatures: boolean;
}

export function auditFieldsOf(row: ChannelAuditFields): ChannelAuditFields {
  return {
    name: row.name,
    sourceRegistryId: row.sourceRegistryId,
    components: row.components,
    tagPattern: row.tagPattern,
    ordering: row.ordering,
    syncIntervalMinutes: row.syncIntervalMinutes,
    copySignatures: row.copySignatures,
  };
}

/**
 * The authoritative check of component paths, through lib/oci's reference parser (the schema
 * applies the same grammar so the form can show it while typing).
 */
export function assertComponents(components: readonly string[]): void {
  components.forEach((repository, index) => {
    try {
      const ref = parseReference(`gantry.invalid/${repository}`);
      if (ref.repository !== repository || ref.tag !== undefined || ref.digest !== undefined)
        throw new Error("expected a repository path without a tag or digest");
    } catch (error) {
      const why = (error as Error).message.replace(/^invalid reference "[^"]*": /, "");
      throw new UserError(`components.${index}: ${why}`, `components.${index}`);
    }
  });
}

/** The source connection must exist; its name is returned for messages. */
export async function sourceRegistryOrThrow(tx: Tx, id: string): Promise<{ id: string; name: string }> {
  const registry = await tx.registry.findUnique({ where: { id }, select: { id: true, name: true } });
  if (!registry)
    throw new UserError(
      `sourceRegistryId: no registry connection ${JSON.stringify(id.slice(0, 40))}; connect the vendor's registry under Registries first`,
      "sourceRegistryId",
    );
  return registry;
}

export function channelNameTaken(name: string): UserError {
  return new UserError(`name: a channel named ${JSON.stringify(name)} exists already; pick another name`, "name", 409);
}
