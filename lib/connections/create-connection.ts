import "server-only";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { UserError } from "@/lib/change/errors";
import { isUniqueViolation } from "@/lib/db/errors";
import type { Prisma } from "@/lib/db/generated/client";
import { connectionInputSchema } from "@/lib/registries/connection-input";
import { toConnectionFields } from "@/lib/registries/connection-fields";
import { endpointRefusal } from "@/lib/registries/endpoint-guard";
import { auditFieldsOf, connectionViewSelect, toConnectionView, type ConnectionView } from "./connection-view";
import { sealRegistrySecret } from "./registry-secret";

/**
 * Connects a registry: validates the provider's body, stores the row, then seals the secret
 * with the new row's id (the id is the sealed value's associated data), all in one
 * transaction. Answers the connection without its secret.
 */
export const createConnection: ChangeDefinition<typeof connectionInputSchema, ConnectionView> = {
  permission: "registries.write",
  schema: connectionInputSchema,
  async run({ input, tx, audit }) {
    const fields = toConnectionFields(input);
    const refused = endpointRefusal(fields.endpoint);
    if (refused) throw new UserError(`endpoint: ${refused}`, "endpoint");
    if (await tx.registry.findUnique({ where: { name: fields.name }, select: { id: true } }))
      throw nameTaken(fields.name);
    let id: string;
    try {
      ({ id } = await tx.registry.create({
        data: {
          name: fields.name,
          provider: fields.provider,
          endpoint: fields.endpoint,
          namespace: fields.namespace,
          authKind: fields.authKind,
          username: fields.username ?? null,
          settings: fields.settings as Prisma.InputJsonObject,
          insecure: fields.insecure,
          caPem: fields.caPem,
          bandwidthLimitMbps: fields.bandwidthLimitMbps,
        },
        select: { id: true },
      }));
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(fields.name);
      throw error;
    }
    const row = await tx.registry.update({
      where: { id },
      data: { secretCiphertext: fields.secret ? sealRegistrySecret(id, fields.secret) : null },
      select: connectionViewSelect,
    });
    await audit({
      action: "registry.created",
      targetType: "registry",
      targetId: id,
      detail: { after: auditFieldsOf(row), authChange: fields.secret ? "secret stored" : "no secret" },
    });
    return toConnectionView(row);
  },
};

export function nameTaken(name: string): UserError {
  return new UserError(
    `name: a registry connection named ${JSON.stringify(name)} exists already; pick another name`,
    "name",
    409,
  );
}
