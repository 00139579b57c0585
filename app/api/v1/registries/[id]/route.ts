import { apiChange, apiRead } from "@/lib/api/api-route";
import { deleteConnection } from "@/lib/connections/delete-connection";
import { getConnectionOrThrow } from "@/lib/connections/get-connection-or-throw";
import { updateConnection } from "@/lib/connections/update-connection";

export const GET = apiRead({
  permission: "registries.read",
  read: ({ params }) => getConnectionOrThrow(String(params.id)),
});

/** The create body again; a secret left out keeps the stored one. */
export const PATCH = apiChange(updateConnection, {
  input: (body, params) => ({ ...(isObject(body) ? body : {}), id: params.id }),
});

export const DELETE = apiChange(deleteConnection, { input: (_body, params) => ({ id: params.id }) });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
