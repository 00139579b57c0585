import "server-only";
import { isUserError } from "@/lib/change/errors";
import { getConnectionOrThrow } from "@/lib/connections/get-connection-or-throw";
import type { ConnectionView } from "@/lib/connections/connection-view";

/** The connection for a page, or null so the page can answer with notFound(). */
export async function findConnection(id: string): Promise<ConnectionView | null> {
  try {
    return await getConnectionOrThrow(id);
  } catch (error) {
    if (isUserError(error) && error.status === 404) return null;
    throw error;
  }
}
