import type { z } from "zod";
import type { RegistryConnection } from "../connection";
import { ConnectionSettingsError } from "../errors";

/** Reads a stored connection's settings with the adapter's schema; a mismatch names the setting. */
export function parseSettings<S extends z.ZodType>(schema: S, connection: RegistryConnection): z.output<S> {
  const parsed = schema.safeParse(connection.settings ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ConnectionSettingsError(
    `settings.${issue.path.join(".")}: ${issue.message} (${connection.provider} connection)`,
  );
}
