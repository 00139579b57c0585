import "server-only";
import { NotFoundError } from "@/lib/change/errors";
import { db } from "@/lib/db/prisma";
import { connectionViewSelect, toConnectionView, type ConnectionView } from "./connection-view";

/** One registry connection without its secret; a 404 UserError when there is none with this id. */
export async function getConnectionOrThrow(id: string): Promise<ConnectionView> {
  const row = await db().registry.findUnique({ where: { id }, select: connectionViewSelect });
  if (!row) throw new NotFoundError(`id: no registry connection ${JSON.stringify(id.slice(0, 40))}`);
  return toConnectionView(row);
}
