import { apiChange, apiRead } from "@/lib/api/api-route";
import { listChannels } from "@/lib/releases/channel-view";
import { createChannel } from "@/lib/releases/create-channel";

export const GET = apiRead({ permission: "releases.read", read: async () => ({ channels: await listChannels() }) });

/** Body: createChannelSchema (lib/releases/channel-schema.ts). */
export const POST = apiChange(createChannel, { status: 201 });
