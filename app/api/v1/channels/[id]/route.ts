import { apiChange, apiRead } from "@/lib/api/api-route";
import { getChannelOrThrow } from "@/lib/releases/channel-view";
import { deleteChannel } from "@/lib/releases/delete-channel";
import { updateChannel } from "@/lib/releases/update-channel";

export const GET = apiRead({ permission: "releases.read", read: ({ params }) => getChannelOrThrow(String(params.id)) });

/** Body: any fields of the create body (updateChannelSchema); those left out keep their value. */
export const PATCH = apiChange(updateChannel, {
  input: (body, params) => ({ ...(isObject(body) ? body : {}), id: params.id }),
});

export const DELETE = apiChange(deleteChannel, { input: (_body, params) => ({ id: params.id }) });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
