import "server-only";
import { db } from "@/lib/db/prisma";
import { connectionViewSelect, toConnectionView, type ConnectionView } from "./connection-view";

/** Every registry connection, by name, without secrets. */
export async function listConnections(): Promise<ConnectionView[]> {
  const rows = await db().registry.findMany({ orderBy: { name: "asc" }, select: connectionViewSelect });
  return rows.map(toConnectionView);
}

/** How many registry connections there are (the Releases page only asks whether there is any). */
export function countConnections(): Promise<number> {
  return db().registry.count();
}
