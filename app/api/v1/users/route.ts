import { apiChange, apiRead } from "@/lib/api/api-route";
import { listUsers } from "@/lib/users/list-users";
import { createUser } from "@/lib/users/user-changes";

export const GET = apiRead({ permission: "users.read", read: async () => ({ users: await listUsers() }) });

export const POST = apiChange(createUser, { status: 201 });
