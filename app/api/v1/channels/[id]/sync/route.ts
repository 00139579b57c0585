import { apiChange } from "@/lib/api/api-route";
import { syncChannel } from "@/lib/releases/sync-channel";

/** Syncs now and answers when done: `{ channel, summary, releases }`, or 502 with the reason the sync failed. */
export const POST = apiChange(syncChannel, { input: (_body, params) => ({ id: params.id }) });
