import { apiChange, apiRead } from "@/lib/api/api-route";
import { createConnectionRepository } from "@/lib/connections/create-connection-repository";
import { listConnectionRepositories } from "@/lib/connections/list-connection-repositories";

export const GET = apiRead({
  permission: "registries.read",
  read: ({ params, request }) => listConnectionRepositories(String(params.id), { signal: request.signal }),
});

/** Body: `{ "repository": "team/app" }`, created under the connection's namespace (admins). */
export const POST = apiChange(createConnectionRepository, {
  status: 201,
  input: (body, params) => ({ repository: (body as { repository?: unknown } | null)?.repository, id: params.id }),
});
