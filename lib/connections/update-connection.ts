import "server-only";
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { NotFoundError, UserError } from "@/lib/change/errors";
import { isUniqueViolation } from "@/lib/db/errors";
import { Prisma } from "@/lib/db/generated/client";
import type { RegistryProvider } from "@/lib/registries/connection";
import { connectionEditSchema } from "@/lib/registries/connection-input";
import { toConnectionFields } from "@/lib/registries/connection-fields";
import { endpointRefusal } from "@/lib/registries/endpoint-guard";
import { fieldsFor } from "@/lib/registries/form-fields";
import { nameTaken } from "./create-connection";
import { auditFieldsOf, connectionViewSelect, toConnectionView, type ConnectionView } from "./connection-view";
import { sealRegistrySecret } from "./registry-secret";

/** The create body again, secrets optional, plus the id of the connection to change. */
export const updateConnectionSchema = z.intersection(
  z.object({ id: z.string({ error: "expected the connection's id" }).min(1, "expected the connection's id") }),
  connectionEditSchema,
);

/**
 * Edits a connection. A secret left out keeps the stored one, unless the provider, the
 * endpoint, the insecure flag or the CA certificate changed: a stored secret only ever goes to
 * the registry it was typed for, over the transport it was typed for, so pointing a connection
 * elsewhere (or trusting another certificate, or dropping TLS) needs the secret typed again. A
 * changed connection loses its last check and the health seen in use, which described the old one.
 */
export const updateConnection: ChangeDefinition<typeof updateConnectionSchema, ConnectionView> = {
  permission: "registries.write",
  schema: updateConnectionSchema,
  async run({ input, tx, audit }) {
    const before = await tx.registry.findUnique({ where: { id: input.id } });
    if (!before) throw new NotFoundError(`id: no registry connection ${JSON.stringify(input.id.slice(0, 40))}`);
    const fields = toConnectionFields(input);
    const refused = endpointRefusal(fields.endpoint);
    if (refused) throw new UserError(`endpoint: ${refused}`, "endpoint");
    if (fields.secret === undefined) {
      const moved = transportChange(before, fields);
      if (!before.secretCiphertext) throw secretNeeded(fields.provider, "none is stored yet");
      if (moved)
        throw secretNeeded(
          fields.provider,
          `the ${moved} changed, and a stored secret only goes to the registry it was given for`,
        );
    }
    const username = fields.username === undefined ? before.username : fields.username;
    const after = { ...fields, username };
    // A new name or bandwidth cap leaves the last check standing: it still describes the registry.
    const unchecked = { name: "", bandwidthLimitMbps: null };
    const changed =
      fields.secret !== undefined ||
      !isDeepStrictEqual({ ...auditFieldsOf(before), ...unchecked }, { ...auditFieldsOf(after), ...unchecked });
    const secretCiphertext =
      fields.secret === undefined
        ? before.secretCiphertext
        : fields.secret === null
          ? null
          : sealRegistrySecret(before.id, fields.secret);
    const row = await tx.registry
      .update({
        where: { id: before.id },
        data: {
          name: fields.name,
          provider: fields.provider,
          endpoint: fields.endpoint,
          namespace: fields.namespace,
          authKind: fields.authKind,
          username,
          secretCiphertext,
          settings: fields.settings as Prisma.InputJsonObject,
          insecure: fields.insecure,
          caPem: fields.caPem,
          bandwidthLimitMbps: fields.bandwidthLimitMbps,
          ...(changed
            ? {
                lastCheckAt: null,
                lastCheckOk: null,
                lastCheckResult: Prisma.DbNull,
                tokenExpiresAt: null,
                ...noUseHealth,
              }
            : {}),
        },
        select: connectionViewSelect,
      })
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? nameTaken(fields.name) : error;
      });
    await audit({
      action: "registry.updated",
      targetType: "registry",
      targetId: before.id,
      detail: {
        before: auditFieldsOf(before),
        after: auditFieldsOf(row),
        authChange:
          fields.secret === undefined ? "secret kept" : fields.secret === null ? "secret cleared" : "new secret given",
      },
    });
    return toConnectionView(row);
  },
};

/** What changed about where and how the secret would travel, or null. */
function transportChange(
  before: { provider: string; endpoint: string; insecure: boolean; caPem: string | null },
  after: { provider: string; endpoint: string; insecure: boolean; caPem: string | null },
): string | null {
  if (before.provider !== after.provider) return "provider";
  if (before.endpoint !== after.endpoint) return "endpoint";
  if (before.insecure !== after.insecure) return "insecure flag";
  if ((before.caPem ?? null) !== (after.caPem ?? null)) return "CA certificate";
  return null;
}

function secretNeeded(provider: RegistryProvider, why: string): UserError {
  const field = fieldsFor(provider).find((spec) => spec.secret);
  const name = field?.name ?? "auth.password";
  return new UserError(`${name}: expected the ${(field?.label ?? "password").toLowerCase()}: ${why}`, name);
}

/** Health seen in use belongs to the registry it was seen on. */
const noUseHealth = {
  lastUseOkAt: null,
  lastUseOkBy: null,
  lastUseErrorAt: null,
  lastUseErrorBy: null,
  lastUseError: null,
};
