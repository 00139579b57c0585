import { apiRead } from "@/lib/api/api-route";
import { listReleases } from "@/lib/releases/channel-view";

/** The channel's releases, newest first by its ordering. */
export const GET = apiRead({
  permission: "releases.read",
  read: async ({ params }) => ({ releases: await listReleases(String(params.id)) }),
});
