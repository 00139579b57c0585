import { apiChange, apiRead } from "@/lib/api/api-route";
import { createConnection } from "@/lib/connections/create-connection";
import { listConnections } from "@/lib/connections/list-connections";

export const GET = apiRead({
  permission: "registries.read",
  read: async () => ({ registries: await listConnections() }),
});

export const POST = apiChange(createConnection, { status: 201 });
